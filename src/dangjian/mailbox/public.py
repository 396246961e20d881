"""The residents' mailbox pages (no login, phone first): write with a phone verified by the portal's
codes, keep the tracking code, read the answer with it, rate it; and the published questions and
answers, with personal details removed.

Writing uses the portal's phone codes and limits (``portal.verification``, ``portal.ratelimit``):
this is the one module of the app that uses the portal, listed in tests/test_layers.py. The
tracking page shows the message and the answer only, never the phone or staff names.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.core.errors import RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.redaction import redact
from dangjian.mailbox import services
from dangjian.mailbox.choices import MessageSource, MessageState
from dangjian.mailbox.forms import RateForm, ResidentWriteForm, TrackLookupForm
from dangjian.mailbox.models import Message
from dangjian.portal import ratelimit, verification
from dangjian.portal.views import limited

HOUR = 3600
DAY = 24 * HOUR
PLAUSIBLE_CODE = re.compile(r"[0-9A-Z]{1,16}")


def _find(request: HttpRequest, code: str) -> Message | None:
    """The message with this tracking code; unknown codes count against the address's lookups."""
    code = (code or "").strip().upper()
    found = (
        Message.objects.select_related("mailbox").filter(tracking_code=code).first()
        if PLAUSIBLE_CODE.fullmatch(code)
        else None
    )
    if found is None:
        ratelimit.hit(
            "lookup-ip", ratelimit.ip_of(request), limit=settings.PORTAL_LOOKUPS_PER_IP_HOUR, period=HOUR
        )
    return found


@limited
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    form = ResidentWriteForm(request.POST or None, initial={"mailbox": request.GET.get("to", "")})
    if request.method == "POST":
        ip = ratelimit.ip_of(request)
        ratelimit.check("mailbox-ip", ip, limit=settings.PORTAL_SUBMISSIONS_PER_IP_DAY, period=DAY)
        if form.is_valid():
            created = _write(form)
            if created is not None:
                ratelimit.hit("mailbox-ip", ip, limit=settings.PORTAL_SUBMISSIONS_PER_IP_DAY, period=DAY)
                request.session["mailbox_written"] = created.tracking_code
                return redirect("mailbox_portal:written", code=created.tracking_code)
    return render(
        request,
        "mailbox/portal/write.html",
        {"form": form, "code_minutes": settings.PORTAL_CODE_VALID_MINUTES},
        status=400 if form.errors else 200,
    )


def _write(form: ResidentWriteForm) -> Message | None:
    data = form.cleaned_data
    mailbox = services.open_mailboxes().filter(pk=data["mailbox"]).first()
    if mailbox is None:
        form.add_error("mailbox", gettext("Please choose a mailbox."))
        return None
    try:
        # Outside the transaction: a wrong guess must stay counted when the message is refused.
        checked = verification.check_code(data["contact_phone"], data["code"])
        with transaction.atomic():
            verification.mark_used(checked)
            return services.write_message(
                mailbox=mailbox,
                subject=data["subject"],
                text=data["text"],
                source=MessageSource.PORTAL,
                area=form.area_obj,
                writer_name=data.get("writer_name", ""),
                writer_phone=data["contact_phone"],
                phone_verified=True,
                agrees_to_publish=data["agrees_to_publish"],
                notify_by_sms=data["notify_by_sms"],
            )
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def written(request: HttpRequest, code: str) -> HttpResponse:
    if request.session.get("mailbox_written") != code:
        return redirect("mailbox_portal:track", code=code)
    found = Message.objects.filter(tracking_code=code).select_related("mailbox").first()
    if found is None:
        raise Http404
    return render(request, "mailbox/portal/written.html", {"message": found})


@limited
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if _find(request, code) is not None:
            return redirect("mailbox_portal:track", code=code)
        form.add_error(
            "code", gettext("No message has the tracking code “%(code)s”; please check it.") % {"code": code}
        )
    return render(request, "mailbox/portal/track_lookup.html", {"form": form})


@limited
def track(request: HttpRequest, code: str) -> HttpResponse:
    found = _find(request, code)
    if found is None:
        return render(request, "mailbox/portal/not_found.html", {"code": code}, status=404)
    answered = found.state in (MessageState.ANSWERED, MessageState.CLOSED)
    return render(
        request,
        "mailbox/portal/track.html",
        {
            "message": found,
            # The code is all it takes to open this page (it may be on a screenshot): numbers removed.
            "shown_text": redact(found.text),
            "shown_answer": redact(found.answer),
            "answered": answered,
            "may_rate": answered and found.rating is None,
            "rate_form": RateForm(),
        },
    )


@limited
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    found = _find(request, code)
    if found is None:
        return render(request, "mailbox/portal/not_found.html", {"code": code}, status=404)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.rate_message(
                found, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, gettext("Thank you for your rating."))
    else:
        messages.error(request, gettext("Please choose from 1 to 5 stars."))
    return redirect("mailbox_portal:track", code=found.tracking_code)


def published_list(request: HttpRequest) -> HttpResponse:
    """来信选登: questions and answers published by the writer's consent and the organization's choice."""
    published = (
        Message.objects.filter(is_published=True).select_related("mailbox").order_by("-published_at", "-id")
    )
    return render(request, "mailbox/portal/published_list.html", {"page": paginate(request, published)})


def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Message.objects.select_related("mailbox"), pk=pk, is_published=True)
    return render(request, "mailbox/portal/published_detail.html", {"message": found})
