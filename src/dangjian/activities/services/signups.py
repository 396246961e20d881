"""Activities and their sign-ups: creating and editing an activity, its states, signing up within
the places (under concurrency: the activity row is locked while the places are counted), the
waiting list, QR check-in and check-out, and the organizer's confirmation of the hours served.

Staff act with ``activities.add_activity`` / ``activities.change_activity`` over the activity's
organization or area. A volunteer signs up, cancels and checks in or out **themself**, by identity
(the signed-in user's person): no role is needed, as on 我的.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from dangjian.activities.choices import ActivityState, HoursSource, SignUpState
from dangjian.activities.models import Activity, HoursRecord, SignUp
from dangjian.activities.services.common import (
    check_version,
    hours_between,
    parse_hours,
    user_or_none,
)
from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import check_perm

ADD = "activities.add_activity"
CHANGE = "activities.change_activity"
EDITABLE_FIELDS = [
    "title",
    "place",
    "starts_at",
    "ends_at",
    "capacity",
    "description",
    "is_public",
    "project",
]
# The QR code works from this long before the start; check-out until this long after the end
# (the organizer confirms the hours actually served either way).
CHECK_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)
CHECK_OUT_CLOSES_AFTER = datetime.timedelta(hours=2)

# Which state each action leads to, and from which states it may be taken.
TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "open": (ActivityState.OPEN, (ActivityState.DRAFT, ActivityState.CLOSED)),
    "close": (ActivityState.CLOSED, (ActivityState.OPEN,)),
    "finish": (ActivityState.FINISHED, (ActivityState.OPEN, ActivityState.CLOSED)),
    "cancel": (ActivityState.CANCELLED, (ActivityState.DRAFT, ActivityState.OPEN, ActivityState.CLOSED)),
}


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update(of=("self",)).select_related("org", "area").get(pk=activity.pk)


def _check_times(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at <= starts_at:
        raise RuleViolation(
            gettext("An activity must end after it starts."), rule="ends_after_start", field="ends_at"
        )


def _check_capacity(capacity) -> int:
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if capacity < 1:
        raise RuleViolation(
            gettext("An activity needs at least one place."), rule="capacity", field="capacity"
        )
    return capacity


def create_activity(
    *, by, org, area, title: str, place: str, starts_at, ends_at, capacity, skills=(), **fields
) -> Activity:
    """A new activity in draft: staff open it for sign-up when it is ready."""
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        raise RuleViolation(gettext("Give the activity a title."), rule="required", field="title")
    _check_times(starts_at, ends_at)
    with transaction.atomic():
        activity = Activity(
            org=org,
            area=area,
            title=title,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=_check_capacity(capacity),
            created_by=user_or_none(by),
            **{key: value for key, value in fields.items() if key in EDITABLE_FIELDS},
        )
        check_perm(by, ADD, activity)
        activity.save()
        activity.skills.set(skills)
        audit.record(
            AuditAction.CREATE,
            activity,
            by=by,
            changes=audit.diff({}, audit.snapshot(activity, ["org", "area", *EDITABLE_FIELDS, "state"])),
        )
    return activity


def update_activity(activity: Activity, *, by, version: int | None, skills=None, **fields) -> Activity:
    """Edit an activity; a copy older than the row is refused (409). Fewer places than people
    already signed up is refused: nobody loses a place they were given."""
    with transaction.atomic():
        current = _locked(activity)
        check_perm(by, CHANGE, current)
        check_version(current, version)
        if current.state in (ActivityState.FINISHED, ActivityState.CANCELLED):
            raise RuleViolation(
                gettext("This activity is %(state)s; it can no longer be edited.")
                % {"state": current.get_state_display()},
                rule="activity_ended",
            )
        before = audit.snapshot(current, EDITABLE_FIELDS)
        for key, value in fields.items():
            if key in EDITABLE_FIELDS:
                setattr(current, key, value.strip() if isinstance(value, str) else value)
        current.capacity = _check_capacity(current.capacity)
        _check_times(current.starts_at, current.ends_at)
        taken = current.signups.filter(state=SignUpState.SIGNED_UP).count()
        if current.capacity < taken:
            raise RuleViolation(
                gettext("%(taken)s people have signed up already; the places cannot be fewer than that.")
                % {"taken": taken},
                rule="capacity_below_signups",
                field="capacity",
            )
        current.version += 1
        current.save()
        if skills is not None:
            current.skills.set(skills)
        _promote_waitlist(current)
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, EDITABLE_FIELDS)),
        )
    return current


def transition(activity: Activity, action: str, *, by) -> Activity:
    """Open for sign-up, close sign-up, finish or cancel an activity."""
    if action not in TRANSITIONS:
        raise RuleViolation(gettext("Unknown action."), rule="action")
    target, sources = TRANSITIONS[action]
    with transaction.atomic():
        current = _locked(activity)
        check_perm(by, CHANGE, current)
        if current.state not in sources:
            raise RuleViolation(
                gettext("This activity is %(state)s; it cannot be changed to %(target)s.")
                % {"state": current.get_state_display(), "target": ActivityState(target).label},
                rule="activity_state",
            )
        if action == "finish" and timezone.now() < current.starts_at:
            raise RuleViolation(
                gettext("An activity that has not started cannot be finished."), rule="finish_before_start"
            )
        before = current.state
        current.state = target
        current.version += 1
        current.save(update_fields=["state", "version"])
        audit.record(AuditAction.UPDATE, current, by=by, changes={"state": [before, target]})
    return current


# --- sign-up -----------------------------------------------------------------------------------


def _taken(activity: Activity) -> int:
    return SignUp.objects.filter(activity=activity, state=SignUpState.SIGNED_UP).count()


def _person_of(by):
    person_id = getattr(by, "person_id", None)
    if not person_id:
        raise PermissionDenied(
            gettext(
                "Your account is not linked to a person; ask your community to link it before signing up."
            ),
            rule="no_person",
        )
    return person_id


def sign_up(
    activity: Activity, *, by, waitlist: bool = False, now: datetime.datetime | None = None
) -> SignUp:
    """Sign the signed-in user's person up for ``activity``.

    The activity row is locked while the places are counted, so of many sign-ups at once exactly
    as many succeed as there are places; the others are refused (or go on the waiting list when
    ``waitlist``).
    """
    now = now or timezone.now()
    person_id = _person_of(by)
    with transaction.atomic():
        current = _locked(activity)
        if current.state != ActivityState.OPEN:
            raise RuleViolation(
                gettext("Sign-up for this activity is not open (it is %(state)s).")
                % {"state": current.get_state_display()},
                rule="signup_not_open",
            )
        if now >= current.ends_at:
            raise RuleViolation(gettext("This activity has ended."), rule="activity_over")
        existing = SignUp.objects.select_for_update().filter(activity=current, person_id=person_id).first()
        if existing is not None and existing.state != SignUpState.CANCELLED:
            raise RuleViolation(
                gettext("You have already signed up for this activity (%(state)s).")
                % {"state": existing.get_state_display()},
                rule="already_signed_up",
            )
        state = SignUpState.SIGNED_UP
        if _taken(current) >= current.capacity:
            if not waitlist:
                raise RuleViolation(
                    gettext("All %(capacity)s places are taken. You may join the waiting list.")
                    % {"capacity": current.capacity},
                    rule="activity_full",
                )
            state = SignUpState.WAITLISTED
        if existing is None:
            signup = SignUp.objects.create(
                activity=current, person_id=person_id, state=state, signed_up_at=now
            )
        else:
            signup = existing
            signup.state, signup.signed_up_at, signup.cancelled_at = state, now, None
            signup.version += 1
            signup.save(update_fields=["state", "signed_up_at", "cancelled_at", "version"])
        audit.record(
            AuditAction.CREATE,
            signup,
            by=by,
            changes={"state": [None, state]},
            note=gettext("Self-service sign-up"),
        )
    return signup


def _promote_waitlist(activity: Activity) -> list[SignUp]:
    """Give freed places to the waiting list, first come first served (activity already locked)."""
    free = activity.capacity - _taken(activity)
    if free <= 0 or activity.state != ActivityState.OPEN:
        return []
    promoted = list(
        SignUp.objects.select_for_update()
        .filter(activity=activity, state=SignUpState.WAITLISTED)
        .order_by("signed_up_at", "id")[:free]
    )
    for signup in promoted:
        signup.state = SignUpState.SIGNED_UP
        signup.version += 1
        signup.save(update_fields=["state", "version"])
        audit.record(
            AuditAction.UPDATE,
            signup,
            changes={"state": [SignUpState.WAITLISTED, SignUpState.SIGNED_UP]},
            note=gettext("A place became free"),
        )
    return promoted


def cancel_sign_up(signup: SignUp, *, by, now: datetime.datetime | None = None) -> SignUp:
    """Cancel one's own sign-up (or, for staff of the activity, anyone's) before the activity starts."""
    now = now or timezone.now()
    with transaction.atomic():
        activity = _locked(signup.activity)
        current = SignUp.objects.select_for_update().get(pk=signup.pk)
        if current.person_id != getattr(by, "person_id", None):
            check_perm(by, CHANGE, activity)
        if current.state == SignUpState.CANCELLED:
            raise RuleViolation(gettext("This sign-up is already cancelled."), rule="already_cancelled")
        if current.checked_in_at is not None or now >= activity.starts_at:
            raise RuleViolation(
                gettext("The activity has started; a sign-up can no longer be cancelled."),
                rule="cancel_after_start",
            )
        before = current.state
        current.state, current.cancelled_at = SignUpState.CANCELLED, now
        current.version += 1
        current.save(update_fields=["state", "cancelled_at", "version"])
        current.activity = activity
        audit.record(AuditAction.UPDATE, current, by=by, changes={"state": [before, SignUpState.CANCELLED]})
        _promote_waitlist(activity)
    return current


# --- QR check-in and check-out -------------------------------------------------------------------


def check_in_window(activity: Activity) -> tuple[datetime.datetime, datetime.datetime]:
    """When the QR code works: 30 minutes before the start until 2 hours after the end."""
    return activity.starts_at - CHECK_IN_OPENS_BEFORE, activity.ends_at + CHECK_OUT_CLOSES_AFTER


def is_check_in_open(activity: Activity, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    opens, closes = check_in_window(activity)
    return activity.state in (ActivityState.OPEN, ActivityState.CLOSED) and opens <= now <= closes


def check_in_refusal(
    activity: Activity, *, person_id: int | None, now: datetime.datetime | None = None
) -> str | None:
    """Why this person cannot check in or out now, in words for the phone page; None if they can."""
    now = now or timezone.now()
    if activity.state not in (ActivityState.OPEN, ActivityState.CLOSED):
        return gettext("This activity is %(state)s; check-in is not open.") % {
            "state": activity.get_state_display()
        }
    opens, closes = check_in_window(activity)
    if now < opens:
        return gettext("Check-in opens at %(time)s (30 minutes before the activity starts).") % {
            "time": date_format(timezone.localtime(opens), "DATETIME_FORMAT")
        }
    if now > closes:
        return gettext("Check-in closed at %(time)s.") % {
            "time": date_format(timezone.localtime(closes), "DATETIME_FORMAT")
        }
    if (
        not person_id
        or not SignUp.objects.filter(
            activity=activity, person_id=person_id, state=SignUpState.SIGNED_UP
        ).exists()
    ):
        return gettext("You have not signed up for this activity; sign up first or ask the organizer.")
    return None


def _scan(
    activity: Activity, *, token: str, by, now: datetime.datetime | None
) -> tuple[Activity, SignUp, datetime.datetime]:
    now = now or timezone.now()
    current = _locked(activity)
    if not token or token != current.check_in_token:
        raise PermissionDenied(
            gettext("This check-in link is not valid for this activity; scan the QR code again."),
            rule="check_in_token",
        )
    refusal = check_in_refusal(current, person_id=getattr(by, "person_id", None), now=now)
    if refusal:
        raise RuleViolation(refusal, rule="check_in")
    signup = SignUp.objects.select_for_update().get(activity=current, person_id=by.person_id)
    return current, signup, now


def check_in(activity: Activity, *, token: str, by, now: datetime.datetime | None = None) -> SignUp:
    """Check in by the activity's QR code; a second check-in keeps the first time."""
    with transaction.atomic():
        current, signup, now = _scan(activity, token=token, by=by, now=now)
        if signup.checked_in_at is not None:
            return signup
        signup.checked_in_at = now
        signup.version += 1
        signup.save(update_fields=["checked_in_at", "version"])
        signup.activity = current
        audit.record(
            AuditAction.UPDATE,
            signup,
            by=by,
            changes={"checked_in_at": [None, now]},
            note=gettext("QR check-in"),
        )
    return signup


def check_out(activity: Activity, *, token: str, by, now: datetime.datetime | None = None) -> SignUp:
    """Check out by the same QR code; the hours proposed are the time between check-in and check-out
    within the activity's time (time actually served, not travel), for the organizer to confirm."""
    with transaction.atomic():
        current, signup, now = _scan(activity, token=token, by=by, now=now)
        if signup.checked_in_at is None:
            raise RuleViolation(
                gettext("Check in first; check out when you leave."), rule="check_out_before_in"
            )
        if signup.confirmed_at is not None:
            raise RuleViolation(gettext("Your hours are already confirmed."), rule="already_confirmed")
        before = signup.checked_out_at
        signup.checked_out_at = now
        signup.hours = proposed_hours(signup, current)
        signup.version += 1
        signup.save(update_fields=["checked_out_at", "hours", "version"])
        signup.activity = current
        audit.record(
            AuditAction.UPDATE,
            signup,
            by=by,
            changes={"checked_out_at": [before, now], "hours": [None, signup.hours]},
            note=gettext("QR check-out"),
        )
    return signup


def proposed_hours(signup: SignUp, activity: Activity) -> Decimal | None:
    """check-out − check-in, counted within the activity's scheduled time only."""
    if signup.checked_in_at is None or signup.checked_out_at is None:
        return None
    return hours_between(
        max(signup.checked_in_at, activity.starts_at), min(signup.checked_out_at, activity.ends_at)
    )


# --- the organizer confirms -------------------------------------------------------------------


def confirm_hours(signup: SignUp, *, by, hours=None, version: int | None = None) -> HoursRecord:
    """The organizer confirms the hours a volunteer served (default: the proposed hours, editable
    until now) and posts them to the hours ledger and the points ledger in one transaction.
    After this only a correction (``ledger.correct_hours``) changes them."""
    from dangjian.activities.services import points

    with transaction.atomic():
        activity = _locked(signup.activity)
        current = SignUp.objects.select_for_update().select_related("person").get(pk=signup.pk)
        check_perm(by, CHANGE, activity)
        check_version(current, version)
        if current.confirmed_at is not None:
            raise RuleViolation(
                gettext("These hours are already confirmed; correct them instead."), rule="already_confirmed"
            )
        if current.state != SignUpState.SIGNED_UP or current.checked_in_at is None:
            raise RuleViolation(
                gettext("%(name)s did not check in to this activity; there are no hours to confirm.")
                % {"name": current.person.name},
                rule="not_checked_in",
            )
        value = hours if hours not in (None, "") else current.hours
        if value is None:
            raise RuleViolation(
                gettext("%(name)s has not checked out; enter the hours served.")
                % {"name": current.person.name},
                rule="hours_required",
                field="hours",
            )
        value = parse_hours(value)
        now = timezone.now()
        before = current.hours
        current.hours, current.confirmed_at, current.confirmed_by = value, now, user_or_none(by)
        current.version += 1
        current.save(update_fields=["hours", "confirmed_at", "confirmed_by", "version"])
        record = HoursRecord.objects.create(
            person_id=current.person_id,
            org_id=activity.org_id,
            served_on=timezone.localdate(activity.starts_at),
            place=activity.place,
            content=activity.title[:500],
            hours=value,
            source=HoursSource.ACTIVITY,
            signup=current,
            confirmed_by=user_or_none(by),
            confirmed_at=now,
        )
        record.org = activity.org
        current.activity = activity
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"hours": [before, value], "confirmed": [False, True]}
        )
        audit.record(
            AuditAction.CREATE,
            record,
            by=by,
            changes=audit.diff({}, audit.snapshot(record, ["person", "served_on", "hours", "source"])),
        )
        points.post_points_for(record)
    return record
