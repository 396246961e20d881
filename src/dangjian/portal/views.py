"""The residents' pages (no account, no staff navigation, phone first): report a problem with a
verified phone (or only an address), track it by its code, and rate it once resolved with the
proof sent to that phone.

Every change goes through ``service.services`` (as the resident: ``source=portal``); the pages
show only what a resident may see (no staff names, no internal notes, never the phone). Abuse is
limited per client address and per phone (``portal.ratelimit``); beyond a limit the page answers 429.
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.personal import MOBILE, mask
from dangjian.core.registry import portal_links
from dangjian.portal import ratelimit, verification
from dangjian.portal.forms import RateForm, ReportForm, SendCodeForm, TrackLookupForm
from dangjian.portal.timeline import public_status, public_timeline
from dangjian.service import services
from dangjian.service.choices import RequestSource, RequestState
from dangjian.service.models import RatingLevel, ServiceRequest
from dangjian.service.public import place_names, public_request, shown_publicly

HOUR = 3600
PLAUSIBLE_CODE = re.compile(r"[0-9A-Z]{1,16}")
DAY = 24 * HOUR


def limited(view):
    """Answer a polite 429 page when a limit is exceeded."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ratelimit.RateLimited as error:
            hours = max(1, error.period // HOUR)
            template = (
                "portal/_rate_limited.html"
                if request.headers.get("HX-Request")
                else "portal/rate_limited.html"
            )
            response = render(request, template, {"hours": hours}, status=429)
            response["Retry-After"] = str(error.period)
            return response

    return wrapper


def _not_found(request: HttpRequest, code: str = "") -> HttpResponse:
    return render(request, "portal/not_found.html", {"code": code}, status=404)


def _find(request: HttpRequest, code: str) -> ServiceRequest | None:
    """The request with this tracking code; unknown codes count against the address's lookups."""
    code = (code or "").strip().upper()
    found = (
        ServiceRequest.objects.select_related("category").filter(tracking_code=code).first()
        if PLAUSIBLE_CODE.fullmatch(code)  # letters and digits only: a NUL byte upsets PostgreSQL
        else None
    )
    if found is None:
        ratelimit.hit(
            "lookup-ip", ratelimit.ip_of(request), limit=settings.PORTAL_LOOKUPS_PER_IP_HOUR, period=HOUR
        )
    return found


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/index.html", {"lookup_form": TrackLookupForm(), "links": portal_links()})


@limited
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        ip = ratelimit.ip_of(request)
        ratelimit.check("submit-ip", ip, limit=settings.PORTAL_SUBMISSIONS_PER_IP_DAY, period=DAY)
        if form.is_valid():
            created = _submit(form)
            if created is not None:
                ratelimit.hit("submit-ip", ip, limit=settings.PORTAL_SUBMISSIONS_PER_IP_DAY, period=DAY)
                # The confirmation page is shown once, to the browser that reported.
                request.session["portal_submitted"] = created.tracking_code
                return redirect("portal:submitted", code=created.tracking_code)
    return render(request, "portal/submit.html", {"form": form, "photo_limit_mb": _photo_limit_mb()})


def _photo_limit_mb() -> int:
    return round(settings.SERVICE_PHOTO_MAX_BYTES / 1024 / 1024)


def _submit(form: ReportForm) -> ServiceRequest | None:
    """Check the code, then report and attach the photos in one transaction (a refused photo undoes it)."""
    data = form.cleaned_data
    try:
        checked = verification.check_code(data["contact_phone"], data["code"])
    except RuleViolation as error:
        form.add_error("code", error.message)
        return None
    latitude, longitude = form.location()
    try:
        with transaction.atomic():
            verification.mark_used(checked)
            created = services.submit_request(
                category=form.category_obj,
                description=data["description"],
                source=RequestSource.PORTAL,
                area=form.area_obj,
                latitude=latitude,
                longitude=longitude,
                address=data.get("address", ""),
                contact_name=data.get("contact_name", ""),
                contact_phone=data["contact_phone"],
                phone_verified=True,
            )
            for upload in data.get("photos") or []:
                try:
                    services.add_photo(created, upload=upload, system=True)
                except RuleViolation as error:
                    raise RuleViolation(
                        f"{upload.name}：{error.message}", rule=error.rule, field="photos"
                    ) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
    return created


def submitted(request: HttpRequest, code: str) -> HttpResponse:
    if request.session.get("portal_submitted") != code:
        return redirect("portal:track", code=code)
    found = ServiceRequest.objects.filter(tracking_code=code).select_related("category").first()
    if found is None:
        return _not_found(request, code)
    return render(request, "portal/submitted.html", {"req": found})


@limited
@require_POST
def send_code(request: HttpRequest) -> HttpResponse:
    """htmx: send a verification code to the phone in the form; answers the status line."""
    form = SendCodeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "portal/_code_status.html",
            {"error": form.errors["contact_phone"][0]},
        )
    phone = form.cleaned_data["contact_phone"]
    ratelimit.hit("code-ip", ratelimit.ip_of(request), limit=settings.PORTAL_CODES_PER_IP_HOUR, period=HOUR)
    ratelimit.hit(
        "code-phone", verification.phone_hash(phone), limit=settings.PORTAL_CODES_PER_PHONE_HOUR, period=HOUR
    )
    verification.send_code(phone)
    return render(
        request,
        "portal/_code_status.html",
        {"sent_to": mask(MOBILE, phone), "minutes": settings.PORTAL_CODE_VALID_MINUTES},
    )


@limited
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if _find(request, code) is not None:
            return redirect("portal:track", code=code)
        form.add_error(
            "code", gettext("No request has the tracking code “%(code)s”; please check it.") % {"code": code}
        )
    return render(request, "portal/track_lookup.html", {"form": form})


@limited
def track(request: HttpRequest, code: str) -> HttpResponse:
    found = _find(request, code)
    if found is None:
        return _not_found(request, code)
    level = RatingLevel.objects.filter(code=found.rating_level).first() if found.rating_level else None
    # The code is all it takes to open this page (it may be on a screenshot): the request is shown
    # by the public rules, and a private category's details not at all (service.public).
    public = public_request(found, place_names([found]).get(found.area_path, ""))
    return render(
        request,
        "portal/track.html",
        {
            "req": found,
            "public": public,
            "status": public_status(found),
            "timeline": public_timeline(found),
            "rating": level,
            "may_rate": found.state == RequestState.RESOLVED and found.rated_at is None,
        },
    )


def _staff_refused(request: HttpRequest, found: ServiceRequest, message: str) -> HttpResponse:
    """A signed-in staff user may not rate (满意率 counts residents' own ratings only)."""
    if request.headers.get("HX-Request"):
        return render(request, "portal/_code_status.html", {"error": message}, status=403)
    return render(request, "portal/rate_staff.html", {"req": found, "message": message}, status=403)


@limited
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """评价 by the resident, proven by the invitation's one-time link (``?t=``) or a code sent to
    the request's phone; never by a staff session (``services.rate_request``)."""
    found = _find(request, code)
    if found is None:
        return _not_found(request, code)
    # The category of a private request (助残帮扶, 邻里纠纷) is not shown to whoever holds the code.
    context = {"req": found, "status": public_status(found), "category_shown": shown_publicly(found.category)}
    if services.holds_staff_role(request.user):
        return _staff_refused(request, found, _staff_message())
    if found.rated_at is not None:
        context["rating"] = RatingLevel.objects.filter(code=found.rating_level).first()
        return render(request, "portal/rate_done.html", context)
    if found.state != RequestState.RESOLVED:
        return render(request, "portal/rate_not_yet.html", context)
    if not found.contact_phone_masked:
        return render(request, "portal/rate_no_phone.html", context)
    token = (request.POST.get("t") or request.GET.get("t") or "").strip()[:64]
    form = RateForm(request.POST or None, initial={"proof": token})
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_request(
                found,
                level=form.cleaned_data["level"],
                proof=form.cleaned_data["proof"],
                comment=form.cleaned_data["comment"],
                by=request.user,
                client=ratelimit.ip_of(request),
            )
        except services.TooManyAttempts as error:
            raise ratelimit.RateLimited("rate", error.period) from error
        except PermissionDenied as error:
            return _staff_refused(request, found, error.message)
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            token = ""  # a refused link is not offered again: the code box shows instead
        else:
            messages.success(request, gettext("Thank you for your rating."))
            return redirect(reverse("portal:track", args=[found.tracking_code]))
    context.update({"form": form, "token": token, "phone": found.contact_phone_masked})
    return render(request, "portal/rate.html", context)


def _staff_message() -> str:
    return gettext(
        "Staff accounts cannot rate requests: the satisfaction rate counts only residents' own "
        "ratings. Sign out, and let the resident rate with the link or code sent to their phone."
    )


@limited
@require_POST
def rate_code(request: HttpRequest, code: str) -> HttpResponse:
    """htmx: send a rating code to the request's phone (never shown); answers the status line."""
    found = _find(request, code)
    if found is None:
        return _not_found(request, code)
    if services.holds_staff_role(request.user):
        return _staff_refused(request, found, _staff_message())
    ratelimit.hit("code-ip", ratelimit.ip_of(request), limit=settings.PORTAL_CODES_PER_IP_HOUR, period=HOUR)
    if found.contact_phone_hash:
        ratelimit.hit(
            "code-phone", found.contact_phone_hash, limit=settings.PORTAL_CODES_PER_PHONE_HOUR, period=HOUR
        )
    try:
        services.send_rating_code(found, by=request.user)
    except PermissionDenied as error:
        return _staff_refused(request, found, error.message)
    except RuleViolation as error:
        return render(request, "portal/_code_status.html", {"error": error.message})
    return render(
        request,
        "portal/_code_status.html",
        {"sent_to": found.contact_phone_masked, "minutes": settings.PORTAL_CODE_VALID_MINUTES},
    )
