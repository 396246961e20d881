"""The organizer's pages: activities (list, create, edit, states, sign-ups with the QR code while
check-in is open, confirming hours), the hours ledger with corrections, and the 证明 to issue."""

from __future__ import annotations

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.activities import selectors
from dangjian.activities.choices import ActivityState, SignUpState
from dangjian.activities.forms import (
    ActivityForm,
    ConfirmHoursForm,
    CorrectHoursForm,
    HoursEntryForm,
    RewardForm,
)
from dangjian.activities.models import Activity, Certificate, HoursRecord, RewardItem, SignUp
from dangjian.activities.services import ledger, points, signups
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.pagination import paginate
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.orgs.models import Organization

VIEW = "activities.view_activity"
CHANGE = "activities.change_activity"
HOURS_VIEW = "activities.view_hoursrecord"


def _require_any(user, permission: str) -> None:
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def _org_filter(request, queryset, permission: str):
    """``(queryset cut to ?org=<pk>'s subtree, that organization)``, or ``(queryset, None)``
    without the parameter; an organization outside the user's ``permission`` is a 404 (its
    name is never shown)."""
    if not (request.GET.get("org") or "").isdigit():
        return queryset, None
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, permission), pk=int(request.GET["org"])
    )
    return queryset.filter(org__path__startswith=org.path), org


def _activity(request, pk: int, action: str = "view") -> Activity:
    """An activity in the user's scope (404 outside it), with the permission ``action`` (403)."""
    _require_any(request.user, f"activities.{action}_activity")
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("org", "area", "project"), pk=pk
    )
    if not has_perm_over(request.user, f"activities.{action}_activity", activity):
        raise PageForbidden(f"activities.{action}_activity")
    return activity


def _apply(form, call):
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _qr_svg(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff", omitsize=True)
    # Safe: segno builds the markup from our own URL; nothing in it comes from user input.
    return mark_safe(svg)


@login_required
def activity_list(request):
    """Activities of the user's scope, newest first, filtered by state."""
    _require_any(request.user, VIEW)
    activities = (
        Activity.objects.visible_to(request.user).select_related("org", "area").order_by("-starts_at", "-id")
    )
    state = request.GET.get("state", "")
    if state in ActivityState.values:
        activities = activities.filter(state=state)
    activities, org = _org_filter(request, activities, VIEW)
    to_confirm = request.GET.get("to_confirm") == "1"
    if to_confirm:
        activities = activities.filter(
            pk__in=selectors.signups_to_confirm(request.user).values("activity_id")
        )
    page = paginate(request, activities)
    taken = selectors.places_taken(list(page))
    for activity in page:
        activity.taken = taken.get(activity.pk, 0)
    return render(
        request,
        "activities/activity_list.html",
        {
            "page": page,
            "state": state,
            "states": ActivityState.choices,
            "org": org,
            "to_confirm": to_confirm,
            "can_add": scope_of(request.user).has_any("activities.add_activity"),
        },
    )


@login_required
def activity_create(request):
    _require_any(request.user, "activities.add_activity")
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        activity = _apply(form, lambda: signups.create_activity(by=request.user, **data))
        if activity is not None:
            messages.success(
                request, _("Activity “%(title)s” created as a draft.") % {"title": activity.title}
            )
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "heading": _("New activity")})


@login_required
def activity_edit(request, pk: int):
    activity = _activity(request, pk, "change")
    initial = {
        "title": activity.title,
        "place": activity.place,
        "starts_at": timezone.localtime(activity.starts_at),
        "ends_at": timezone.localtime(activity.ends_at),
        "capacity": activity.capacity,
        "skills": list(activity.skills.all()),
        "description": activity.description,
        "is_public": activity.is_public,
        "version": activity.version,
    }
    form = ActivityForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            updated = _apply(
                form, lambda: signups.update_activity(activity, by=request.user, version=version, **data)
            )
        except ConcurrentChange as stale:
            form.add_error(None, stale.message)
            updated = None
        if updated is not None:
            messages.success(request, _("Saved."))
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "heading": _("Edit the activity"), "activity": activity},
    )


@login_required
def activity_detail(request, pk: int):
    """An activity: its record, its sign-ups with check-in times and hours to confirm, and the QR
    code of the check-in while it is open."""
    activity = _activity(request, pk)
    rows = list(
        SignUp.objects.filter(activity=activity)
        .exclude(state=SignUpState.CANCELLED)
        .select_related("person")
        .order_by("state", "signed_up_at", "id")
    )
    can_change = has_perm_over(request.user, CHANGE, activity)
    for row in rows:
        row.proposed = row.hours if row.hours is not None else signups.proposed_hours(row, activity)
    check_in_open = signups.is_check_in_open(activity)
    context = {
        "activity": activity,
        "rows": rows,
        "taken": sum(1 for row in rows if row.state == SignUpState.SIGNED_UP),
        "can_change": can_change,
        "check_in_open": check_in_open,
        "transitions": [
            (action, label)
            for action, label in [
                ("open", _("Open for sign-up")),
                ("close", _("Close sign-up")),
                ("finish", _("Mark finished")),
                ("cancel", _("Cancel the activity")),
            ]
            if activity.state in signups.TRANSITIONS[action][1]
        ]
        if can_change
        else [],
    }
    if can_change and check_in_open:
        url = request.build_absolute_uri(
            reverse("activities:checkin", kwargs={"pk": activity.pk, "token": activity.check_in_token})
        )
        context.update(check_in_url=url, qr_svg=_qr_svg(url))
    return render(request, "activities/activity_detail.html", context)


@login_required
@require_POST
def activity_transition(request, pk: int):
    activity = _activity(request, pk, "change")
    try:
        signups.transition(activity, request.POST.get("action", ""), by=request.user)
    except PermissionDenied as refused:
        raise PageForbidden(refused.message) from refused
    except RuleViolation as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("activities:activity_detail", pk=activity.pk)


@login_required
@require_POST
def signup_confirm(request, pk: int):
    """Confirm the hours of one sign-up (edited in the row's field before confirming)."""
    _require_any(request.user, CHANGE)
    signup = get_object_or_404(
        SignUp.objects.visible_to(request.user, CHANGE).select_related("activity", "person"), pk=pk
    )
    form = ConfirmHoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the hours served (0.1 to 24)."))
    else:
        try:
            record = signups.confirm_hours(
                signup,
                by=request.user,
                hours=form.cleaned_data["hours"],
                version=form.cleaned_data["version"],
            )
        except PermissionDenied as refused:
            raise PageForbidden(refused.message) from refused
        except RuleViolation as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("Confirmed %(hours)s hours for %(name)s.")
                % {"hours": record.hours, "name": signup.person.name},
            )
    return redirect("activities:activity_detail", pk=signup.activity_id)


# --- the hours ledger -------------------------------------------------------------------------


def _year(request) -> int | None:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        return None
    return year if 2000 <= year <= timezone.localdate().year else None


@login_required
def hours_list(request):
    """The hours ledger of the user's scope (the records behind the hours figures): by
    organization subtree, year or period, source, and party members only."""
    _require_any(request.user, HOURS_VIEW)
    records = HoursRecord.objects.visible_to(request.user).select_related("person", "org", "corrects")
    records, org = _org_filter(request, records, HOURS_VIEW)
    year = _year(request)
    if year:
        records = records.filter(served_on__year=year)
    for name, lookup in (("start", "served_on__gte"), ("end", "served_on__lte")):
        try:
            value = datetime.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            continue
        records = records.filter(**{lookup: value})
    source = request.GET.get("source", "")
    if source:
        records = records.filter(source=source)
    if request.GET.get("members") == "1":
        records = records.filter(person__membership__is_active=True)
    page = paginate(request, records.order_by("-served_on", "-id"))
    return render(
        request,
        "activities/hours_list.html",
        {
            "page": page,
            "org": org,
            "year": year,
            "can_add": scope_of(request.user).has_any("activities.add_hoursrecord"),
        },
    )


SEARCH_LIMIT = 20


@login_required
def hours_create(request):
    """Staff enter service the platform did not see (on paper, another team's list): the person is
    found by name or pinyin among the people they see; confirmed at once, with its points."""
    _require_any(request.user, "activities.add_hoursrecord")
    people = Person.objects.visible_to(request.user)
    form = HoursEntryForm(
        request.POST or None, user=request.user, people=people, initial={"served_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        record = _apply(form, lambda: ledger.record_hours(by=request.user, **form.service_fields()))
        if record is not None:
            messages.success(
                request,
                _("Recorded %(hours)s hours for %(name)s.")
                % {"hours": record.hours, "name": record.person.name},
            )
            return redirect(f"{reverse('activities:hours_list')}?org={record.org_id}")
    query = (request.GET.get("q") or "").strip()
    candidates: list[Person] = []
    if query:
        candidates = list(people.search(query)[:SEARCH_LIMIT])
    elif request.method == "POST" and str(form.data.get("person") or "").isdigit():
        candidates = list(people.filter(pk=form.data["person"])[:1])
    options = [(person.pk, person.name, person.mobile_masked) for person in candidates]
    return render(
        request,
        "activities/hours_form.html",
        {"form": form, "options": options, "chosen": str(form.data.get("person") or ""), "query": query},
    )


@login_required
def hours_correct(request, pk: int):
    """Correct confirmed hours: a new record with the reason; the original stays as it was."""
    _require_any(request.user, "activities.change_hoursrecord")
    record = get_object_or_404(
        HoursRecord.objects.visible_to(request.user, "change").select_related("person", "org"), pk=pk
    )
    original = record.corrects if record.corrects_id else record
    current = ledger.effective_hours(original)
    form = CorrectHoursForm(request.POST or None, initial={"hours": current, "effective": current})
    if request.method == "POST" and form.is_valid():
        try:
            correction = _apply(
                form,
                lambda: ledger.correct_hours(
                    original,
                    by=request.user,
                    hours=form.cleaned_data["hours"],
                    reason=form.cleaned_data["reason"],
                    effective=form.cleaned_data.get("effective"),
                ),
            )
        except ConcurrentChange as stale:
            form.add_error(None, stale.message)
            correction = None
        if correction is not None:
            messages.success(request, _("The correction is recorded."))
            return redirect(f"{reverse('activities:hours_list')}?org={original.org_id}")
    corrections = list(
        HoursRecord.objects.filter(corrects=original).select_related("confirmed_by").order_by("id")
    )
    return render(
        request,
        "activities/hours_correct.html",
        {"record": original, "current": current, "corrections": corrections, "form": form},
    )


# --- 志愿服务记录证明 --------------------------------------------------------------------------------


@login_required
def certificate_list(request):
    """证明 asked of the organizations in the user's scope, waiting to be issued, then the issued."""
    _require_any(request.user, "activities.view_certificate")
    certificates = (
        Certificate.objects.visible_to(request.user)
        .select_related("person", "org")
        .order_by("state", "-requested_at", "-id")
    )
    page = paginate(request, certificates)
    return render(request, "activities/certificate_list.html", {"page": page})


@login_required
@require_POST
def certificate_issue(request, pk: int):
    _require_any(request.user, "activities.change_certificate")
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user, "change"), pk=pk)
    try:
        issued = ledger.issue_certificate(certificate, by=request.user)
    except PermissionDenied as refused:
        raise PageForbidden(refused.message) from refused
    except RuleViolation as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("证明 %(number)s issued.") % {"number": issued.number})
    return redirect("activities:certificate_list")


def certificate_for_pdf(request, pk: int) -> Certificate:
    """An issued 证明 the user may print: their own, or one of an organization in their scope."""
    certificate = Certificate.objects.select_related("person", "org").filter(pk=pk).first()
    if certificate is None:
        raise Http404
    own = certificate.person_id == getattr(request.user, "person_id", None)
    if not own and not Certificate.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    if certificate.number is None:
        raise Http404(_("This 证明 has not been issued yet."))
    return certificate


# --- the 时间银行 catalogue -------------------------------------------------------------------------


@login_required
def reward_list(request):
    """The catalogue of the organizations in the user's scope, with stock and what was redeemed."""
    _require_any(request.user, "activities.view_rewarditem")
    items = (
        RewardItem.objects.visible_to(request.user).select_related("org").order_by("org__path", "cost", "id")
    )
    return render(
        request,
        "activities/reward_list.html",
        {
            "page": paginate(request, items),
            "can_add": scope_of(request.user).has_any("activities.add_rewarditem"),
        },
    )


@login_required
def reward_create(request):
    _require_any(request.user, "activities.add_rewarditem")
    form = RewardForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        item = _apply(form, lambda: points.add_reward(by=request.user, **form.cleaned_data))
        if item is not None:
            messages.success(request, _("“%(name)s” is in the catalogue.") % {"name": item.name})
            return redirect("activities:reward_list")
    return render(request, "activities/reward_form.html", {"form": form})
