"""A volunteer's own pages (any signed-in user linked to a person, member or not): activities to
join and my sign-ups, the QR check-in page, my hours (one ledger, 双报到 included), my points and
the catalogue, my 证明 — and the residents' public list of activities to join.

No route here takes another person's id: a sign-up or 证明 in the URL must be the user's own
(404 otherwise); the check-in page is opened by the activity's secret token.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.activities import selectors
from dangjian.activities.choices import SignUpState
from dangjian.activities.forms import CertificateRequestForm
from dangjian.activities.models import Activity, SignUp
from dangjian.activities.services import ledger, points, signups
from dangjian.activities.views.staff import certificate_for_pdf
from dangjian.core.errors import RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.pdf import pdf_response

PER_PAGE = 20
# A volunteer has a handful of training, awards and evaluations; the newest are shown in full.
ENTRIES_SHOWN = 50


def _person_id(request) -> int | None:
    return getattr(request.user, "person_id", None)


@login_required
def my_activities(request):
    """Activities I may join (with places left) and my sign-ups."""
    person_id = _person_id(request)
    context: dict = {"person_id": person_id}
    if person_id:
        mine = list(selectors.my_signups(person_id)[:50])
        joined = {row.activity_id for row in mine}
        page = paginate(request, selectors.activities_to_join(person_id), per_page=PER_PAGE)
        taken = selectors.places_taken(list(page))
        for activity in page:
            activity.taken = taken.get(activity.pk, 0)
            activity.joined = activity.pk in joined
        context.update(mine=mine, page=page)
    return render(request, "activities/my_activities.html", context)


@login_required
@require_POST
def signup(request, pk: int):
    activity = get_object_or_404(selectors.activities_to_join(_person_id(request)), pk=pk)
    try:
        result = signups.sign_up(activity, by=request.user, waitlist=request.POST.get("waitlist") == "1")
    except RuleViolation as refused:
        if refused.rule == "no_person":
            raise Http404 from refused
        messages.error(request, refused.message)
    else:
        if result.state == SignUpState.WAITLISTED:
            messages.info(
                request, _("You are on the waiting list of “%(title)s”.") % {"title": activity.title}
            )
        else:
            messages.success(request, _("You have signed up for “%(title)s”.") % {"title": activity.title})
    return redirect("activities:my_activities")


@login_required
@require_POST
def signup_cancel(request, pk: int):
    row = get_object_or_404(
        SignUp.objects.select_related("activity"), pk=pk, person_id=_person_id(request) or 0
    )
    try:
        signups.cancel_sign_up(row, by=request.user)
    except RuleViolation as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return redirect("activities:my_activities")


@login_required
def checkin(request, pk: int, token: str):
    """The phone page reached by scanning the activity's QR code: 签到, then 签退 when leaving."""
    activity = get_object_or_404(Activity.objects.select_related("org"), pk=pk)
    if token != activity.check_in_token:
        raise Http404(_("This check-in link is not valid."))
    person_id = _person_id(request)
    if request.method == "POST":
        action = signups.check_out if request.POST.get("action") == "out" else signups.check_in
        try:
            row = action(activity, token=token, by=request.user)
        except RuleViolation as refused:
            messages.error(request, refused.message)
        else:
            if row.checked_out_at:
                messages.success(request, _("Checked out. Thank you for your service!"))
            else:
                messages.success(
                    request, _("You are checked in to the activity. Thank you for volunteering!")
                )
        return redirect("activities:checkin", pk=activity.pk, token=token)
    row = SignUp.objects.filter(activity=activity, person_id=person_id).first() if person_id else None
    refusal = signups.check_in_refusal(activity, person_id=person_id)
    return render(request, "activities/checkin.html", {"activity": activity, "row": row, "refusal": refusal})


@login_required
def my_hours(request):
    """My confirmed hours — activities, 双报到 and records entered by staff, one ledger — and the
    training, awards and evaluations recorded for me."""
    person_id = _person_id(request)
    context: dict = {"person_id": person_id}
    if person_id:
        context.update(
            hours=selectors.my_hours(person_id),
            page=paginate(request, selectors.my_records(person_id), per_page=PER_PAGE),
            entries=list(selectors.my_entries(person_id)[:ENTRIES_SHOWN]),
        )
    return render(request, "activities/my_hours.html", context)


@login_required
def my_points(request):
    """My 时间银行: balance, the points ledger and the catalogue to redeem from."""
    person_id = _person_id(request)
    context: dict = {"person_id": person_id}
    if person_id:
        context.update(
            balance=selectors.balance_of(person_id),
            page=paginate(request, selectors.my_point_entries(person_id), per_page=PER_PAGE),
            items=list(selectors.catalogue_for(person_id)[:30]),
        )
    return render(request, "activities/my_points.html", context)


@login_required
@require_POST
def redeem(request, pk: int):
    item = get_object_or_404(selectors.catalogue_for(_person_id(request)), pk=pk)
    try:
        points.redeem(item, by=request.user)
    except RuleViolation as refused:
        if refused.rule == "no_person":
            raise Http404 from refused
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Redeemed “%(name)s”; collect it from %(org)s.") % {"name": item.name, "org": item.org.name},
        )
    return redirect("activities:my_points")


@login_required
def my_certificates(request):
    """My 志愿服务记录证明: ask an organization that recorded my service, download the issued ones."""
    person_id = _person_id(request)
    context: dict = {"person_id": person_id}
    if person_id:
        context.update(
            certificates=list(selectors.my_certificates(person_id)[:50]),
            form=CertificateRequestForm(orgs=selectors.recording_orgs(person_id)),
        )
    return render(request, "activities/my_certificates.html", context)


@login_required
@require_POST
def certificate_request(request):
    person_id = _person_id(request)
    if not person_id:
        raise Http404
    form = CertificateRequestForm(request.POST, orgs=selectors.recording_orgs(person_id))
    if form.is_valid():
        try:
            ledger.request_certificate(
                by=request.user, org=form.cleaned_data["org"], purpose=form.cleaned_data["purpose"]
            )
        except RuleViolation as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, _("Your request is sent; the organization issues the 证明 free of charge.")
            )
    else:
        messages.error(request, _("Choose an organization that recorded your service."))
    return redirect("activities:my_certificates")


@login_required
def certificate_pdf(request, pk: int):
    """The printable 证明 (its own or, for staff, one of their scope); every download audited."""
    certificate = certificate_for_pdf(request, pk)
    ledger.record_download(certificate, by=request.user)
    return pdf_response(
        "activities/pdf/certificate.html",
        {"certificate": certificate, "person": certificate.person, "today": timezone.localdate()},
        filename=f"志愿服务记录证明-{certificate.number}.pdf",
        request=request,
    )


def public_list(request):
    """The portal's list of activities residents may join (public, open, not over)."""
    page = paginate(request, selectors.public_activities(), per_page=PER_PAGE)
    taken = selectors.places_taken(list(page))
    for activity in page:
        activity.taken = taken.get(activity.pk, 0)
    return render(request, "activities/public/list.html", {"page": page})
