"""The residents' pages of the lists (no account, phone first, in the portal's frame): public needs
and a form to submit one, published 微心愿 (claimed from here by a signed-in party member) and a
form to submit one, and a wish's page reached by its tracking code, where the resident confirms
the fulfilment or withdraws the wish.

What the public sees is reduced: the resident's surname only (张*), never a phone; the community
at most, never the grid or the address; free texts with phone and ID numbers removed
(``core.redaction``). A resident proves their phone with the portal's verification code
(``portal.verification``, the code sent by ``portal:send_code``); submissions and unknown
tracking codes are limited per client address (``portal.ratelimit``).
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.core.errors import RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.redaction import redact
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.portal import ratelimit, verification
from dangjian.volunteering.choices import NeedState, WishState
from dangjian.volunteering.lists import services
from dangjian.volunteering.lists.forms import (
    CodeLookupForm,
    PublicNeedForm,
    PublicWishForm,
    ResidentConfirmForm,
)
from dangjian.volunteering.lists.views.common import photo_response
from dangjian.volunteering.models import Need, Wish, WishPhoto

HOUR = 3600
DAY = 24 * HOUR
PLAUSIBLE_CODE = re.compile(r"[0-9A-Z]{1,16}")
PUBLIC_PAGE = 20


def limited(view):
    """Answer the portal's polite 429 page when a limit is exceeded."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ratelimit.RateLimited as error:
            response = render(
                request, "portal/rate_limited.html", {"hours": max(1, error.period // HOUR)}, status=429
            )
            response["Retry-After"] = str(error.period)
            return response

    return wrapper


def community_names(rows) -> dict[int, str]:
    """Each row's area pk → the name of its community (or coarser area), in one query."""
    step = Area.steplen
    paths = {row.area.path for row in rows}
    candidates = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
    found = dict(
        Area.objects.filter(
            path__in=candidates, kind__in=[AreaKind.COMMUNITY, AreaKind.STREET, AreaKind.DISTRICT]
        ).values_list("path", "name")
    )
    names = {}
    for row in rows:
        deepest = max((path for path in found if row.area.path.startswith(path)), key=len, default="")
        names[row.area_id] = found.get(deepest, "")
    return names


def _shown(page, *, wish: bool) -> None:
    """Give each row what the public may see of it: the community, masked names, redacted text."""
    names = community_names(page)
    for row in page:
        row.place = names.get(row.area_id, "")
        row.public_description = redact(row.description)
        if wish:
            row.resident_shown = services.masked_name(row.resident.name)


def _verified(form, call):
    """Check the form's code, then run ``call`` and use the code up, in one transaction."""
    data = form.cleaned_data
    try:
        checked = verification.check_code(data["contact_phone"], data["code"])
        with transaction.atomic():
            verification.mark_used(checked)
            return call()
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


# --- needs ------------------------------------------------------------------------------------


def public_need_list(request: HttpRequest) -> HttpResponse:
    """Needs the community made public, still waiting or being served, newest first."""
    rows = (
        Need.objects.filter(is_public=True, state__in=[NeedState.OPEN, NeedState.ASSIGNED])
        .select_related("area")
        .order_by("-created_at", "-id")
    )
    page = paginate(request, rows, per_page=PUBLIC_PAGE)
    _shown(page, wish=False)
    return render(request, "volunteering/lists/public/need_list.html", {"page": page})


@limited
@require_http_methods(["GET", "POST"])
def public_need_submit(request: HttpRequest) -> HttpResponse:
    form = PublicNeedForm(request.POST or None)
    if request.method == "POST":
        ip = ratelimit.ip_of(request)
        ratelimit.check("submit-ip", ip, limit=settings.PORTAL_SUBMISSIONS_PER_IP_DAY, period=DAY)
        if form.is_valid():
            data = form.cleaned_data
            need = _verified(
                form,
                lambda: services.submit_need(
                    area=data["area"],
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    name=data["name"],
                    phone=data["contact_phone"],
                ),
            )
            if need is not None:
                ratelimit.hit("submit-ip", ip, limit=settings.PORTAL_SUBMISSIONS_PER_IP_DAY, period=DAY)
                messages.success(
                    request,
                    _("Thank you. The community has your need and will contact you by phone."),
                )
                return redirect("volunteering:public_need_list")
    return render(request, "volunteering/lists/public/submit.html", {"form": form, "kind": "need"})


# --- 微心愿 -------------------------------------------------------------------------------------


def public_wish_list(request: HttpRequest) -> HttpResponse:
    """Published wishes waiting for a party member; a signed-in member claims one from here."""
    rows = (
        Wish.objects.filter(state=WishState.PUBLISHED)
        .select_related("area", "resident")
        .order_by("-published_at", "-id")
    )
    page = paginate(request, rows, per_page=PUBLIC_PAGE)
    _shown(page, wish=True)
    return render(
        request,
        "volunteering/lists/public/wish_list.html",
        {"page": page, "may_claim": services.may_claim_wishes(request.user)},
    )


@limited
@require_http_methods(["GET", "POST"])
def public_wish_submit(request: HttpRequest) -> HttpResponse:
    form = PublicWishForm(request.POST or None)
    if request.method == "POST":
        ip = ratelimit.ip_of(request)
        ratelimit.check("submit-ip", ip, limit=settings.PORTAL_SUBMISSIONS_PER_IP_DAY, period=DAY)
        if form.is_valid():
            data = form.cleaned_data
            wish = _verified(
                form,
                lambda: services.submit_wish(
                    area=data["area"],
                    title=data["title"],
                    description=data["description"],
                    name=data["name"],
                    phone=data["contact_phone"],
                ),
            )
            if wish is not None:
                ratelimit.hit("submit-ip", ip, limit=settings.PORTAL_SUBMISSIONS_PER_IP_DAY, period=DAY)
                # The code is shown once, large, to the browser that submitted.
                request.session["wish_submitted"] = wish.tracking_code
                return redirect("volunteering:public_wish_track", code=wish.tracking_code)
    return render(request, "volunteering/lists/public/submit.html", {"form": form, "kind": "wish"})


def _find(request: HttpRequest, code: str) -> Wish | None:
    """The wish with this tracking code; unknown codes count against the address's lookups."""
    code = (code or "").strip().upper()
    found = (
        Wish.objects.select_related("area", "resident").filter(tracking_code=code).first()
        if PLAUSIBLE_CODE.fullmatch(code)
        else None
    )
    if found is None:
        ratelimit.hit(
            "lookup-ip", ratelimit.ip_of(request), limit=settings.PORTAL_LOOKUPS_PER_IP_HOUR, period=HOUR
        )
    return found


@limited
def public_wish_lookup(request: HttpRequest) -> HttpResponse:
    form = CodeLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if _find(request, code) is not None:
            return redirect("volunteering:public_wish_track", code=code)
        form.add_error(
            "code", _("No wish has the tracking code “%(code)s”; please check it.") % {"code": code}
        )
    return render(request, "volunteering/lists/public/wish_lookup.html", {"form": form})


@limited
@require_http_methods(["GET", "POST"])
def public_wish_track(request: HttpRequest, code: str) -> HttpResponse:
    """A wish's state for whoever holds its code; its resident confirms or withdraws it here."""
    wish = _find(request, code)
    if wish is None:
        return render(request, "portal/not_found.html", {"code": code}, status=404)
    form = ResidentConfirmForm(request.POST or None)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm" and form.is_valid():
                services.confirm_wish(wish, note=form.cleaned_data["note"], by_resident=True)
                messages.success(request, _("Thank you for confirming. We are glad your wish came true."))
                return redirect("volunteering:public_wish_track", code=wish.tracking_code)
            if action == "withdraw":
                services.withdraw_wish(wish, by_resident=True)
                messages.success(request, _("Your wish is withdrawn."))
                return redirect("volunteering:public_wish_track", code=wish.tracking_code)
        except RuleViolation as refusal:
            error = refusal.message
    just_submitted = request.session.pop("wish_submitted", None) == wish.tracking_code
    names = community_names([wish])
    return render(
        request,
        "volunteering/lists/public/wish_track.html",
        {
            "wish": wish,
            "place": names.get(wish.area_id, ""),
            "resident_shown": services.masked_name(wish.resident.name),
            "proof": redact(wish.proof),
            "photos": list(wish.photos.all()),
            "form": form,
            "error": error,
            "just_submitted": just_submitted,
            "may_confirm": wish.state == WishState.FULFILLED,
            "may_withdraw": wish.state in services.WITHDRAWABLE,
        },
    )


@limited
@require_GET
def public_wish_photo(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A photo of the wish with this tracking code, for whoever holds the code (the resident)."""
    wish = _find(request, code)
    photo = WishPhoto.objects.filter(pk=pk, wish=wish).first() if wish is not None else None
    if photo is None:
        raise Http404
    return photo_response(photo)
