"""What reported members and units do in the community: claims of needs and posts and their states,
service logs and their confirmation, and the yearly feedback."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.dual_reporting import services
from dangjian.dual_reporting.choices import ClaimState
from dangjian.dual_reporting.forms import (
    ClaimForm,
    FeedbackForm,
    ServiceLogForm,
    default_feedback_year,
)
from dangjian.dual_reporting.models import Claim, ServiceLog
from dangjian.dual_reporting.views.common import _apply, _detail, _require, _require_community, _subject

# --- claims, logs, feedback ------------------------------------------------------------------


@login_required
def claim_create(request, pk: int, kind: str):
    """Record a claim (a post, project or resident need) on a report or a pairing."""
    subject = _subject(request, kind, pk)
    _require(request.user, "dual_reporting.add_claim", subject, self_service=True)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = _apply(form, lambda: services.add_claim(subject, by=request.user, **form.cleaned_data))
        if claim is not None:
            messages.success(request, _("Claimed “%(title)s”.") % {"title": claim.title})
            return _detail(subject)
    return render(
        request,
        "dual_reporting/subject_form.html",
        {"subject": subject, "form": form, "heading": _("Add a claim")},
    )


@login_required
def claim_state(request, pk: int):
    """Mark a claim done or cancelled, after confirmation (``?state=done|cancelled``)."""
    claim = _own_claim(request, pk) or get_object_or_404(
        Claim.objects.visible_to(request.user).select_related(
            "report__member__person",
            "report__member__org",
            "report__community",
            "report__community_org",
            "pairing__unit_org",
            "pairing__community",
            "pairing__community_org",
        ),
        pk=pk,
    )
    subject = claim.subject
    _require(request.user, "dual_reporting.change_claim", subject, self_service=True)
    state = request.POST.get("state") or request.GET.get("state") or ClaimState.DONE
    if state not in (ClaimState.DONE, ClaimState.CANCELLED):
        state = ClaimState.DONE
    error = None
    if request.method == "POST":
        try:
            services.set_claim_state(claim, state, by=request.user)
        except PermissionDenied as refusal:
            raise PageForbidden(refusal.message) from refusal
        except RuleViolation as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Saved."))
            return _detail(subject)
    return render(
        request,
        "dual_reporting/claim_state.html",
        {
            "claim": claim,
            "subject": subject,
            "state": state,
            "state_label": ClaimState(state).label,
            "error": error,
        },
    )


def _own_claim(request, pk: int) -> Claim | None:
    person_id = getattr(request.user, "person_id", None)
    if not person_id:
        return None
    return (
        Claim.objects.filter(pk=pk, report__member__person_id=person_id)
        .select_related(
            "report__member__person", "report__member__org", "report__community", "report__community_org"
        )
        .first()
    )


@login_required
def log_create(request, pk: int, kind: str):
    """Log a day's service (hours, what was done) on a report or a pairing."""
    subject = _subject(request, kind, pk)
    _require(request.user, "dual_reporting.add_servicelog", subject, self_service=True)
    side = "report" if kind == "report" else "pairing"
    claims = Claim.objects.filter(**{side: subject}, state=ClaimState.CLAIMED).order_by("-claimed_on")[:50]
    form = ServiceLogForm(request.POST or None, claims=claims)
    if request.method == "POST" and form.is_valid():
        log = _apply(form, lambda: services.log_service(subject, by=request.user, **form.service_fields()))
        if log is not None:
            messages.success(request, _("Logged %(hours)s hours of service.") % {"hours": log.hours})
            return _detail(subject)
    return render(
        request,
        "dual_reporting/subject_form.html",
        {"subject": subject, "form": form, "heading": _("Log service")},
    )


@login_required
def log_confirm(request, pk: int):
    """The community's staff confirm a service log, after confirmation."""
    log = get_object_or_404(ServiceLog.objects.visible_to(request.user), pk=pk)
    subject = _subject(request, "report" if log.report_id else "pairing", log.report_id or log.pairing_id)
    _require_community(request.user, "dual_reporting.change_servicelog", subject)
    error = None
    if request.method == "POST":
        try:
            services.confirm_log(log, by=request.user)
        except PermissionDenied as refusal:
            raise PageForbidden(refusal.message) from refusal
        except RuleViolation as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Service log confirmed."))
            return _detail(subject)
    return render(
        request, "dual_reporting/log_confirm.html", {"log": log, "subject": subject, "error": error}
    )


@login_required
def feedback_create(request, pk: int, kind: str):
    """The community's yearly feedback on a member or a unit, sent to the unit's organization."""
    subject = _subject(request, kind, pk)
    _require_community(request.user, "dual_reporting.add_yearlyfeedback", subject)
    year = request.GET.get("year")
    form = FeedbackForm(
        request.POST or None,
        initial={"year": int(year) if (year or "").isdigit() else default_feedback_year()},
    )
    if request.method == "POST" and form.is_valid():
        feedback = _apply(form, lambda: services.send_feedback(subject, by=request.user, **form.cleaned_data))
        if feedback is not None:
            messages.success(
                request,
                _("The %(year)s feedback was sent to %(org)s.")
                % {"year": feedback.year, "org": feedback.to_org.name},
            )
            return _detail(subject)
    return render(
        request,
        "dual_reporting/subject_form.html",
        {
            "subject": subject,
            "form": form,
            "heading": _("Send the yearly feedback"),
            "to_org": subject.unit_org,
        },
    )
