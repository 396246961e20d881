"""Activities from draft to finished, sign-up within the places, the waiting list, QR check-in and
check-out, and the organizer's confirmation of the hours actually served."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.activities.choices import ActivityState, HoursSource, SignUpState
from dangjian.activities.models import HoursRecord, PointEntry
from dangjian.activities.services import signups
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from tests.activities.helpers import activity_a, activity_in, signed_up, volunteer


def _now_plus(**delta):
    return timezone.now() + datetime.timedelta(**delta)


def test_staff_create_an_activity_in_draft_and_open_it(secretary_a, world):
    activity = signups.create_activity(
        by=secretary_a,
        org=world.org_a,
        area=world.community_a,
        title="敬老院慰问",
        place="幸福敬老院",
        starts_at=_now_plus(days=2),
        ends_at=_now_plus(days=2, hours=3),
        capacity=5,
    )
    assert activity.state == ActivityState.DRAFT
    signups.transition(activity, "open", by=secretary_a)
    activity.refresh_from_db()
    assert activity.state == ActivityState.OPEN
    assert (
        AuditEntry.objects.filter(object_type="activities.activity", object_id=str(activity.pk)).count() == 2
    )


def test_staff_of_another_community_cannot_create_one_here(secretary_b, world):
    with pytest.raises(PermissionDenied):
        signups.create_activity(
            by=secretary_b,
            org=world.org_a,
            area=world.community_a,
            title="x",
            place="y",
            starts_at=_now_plus(days=1),
            ends_at=_now_plus(days=1, hours=1),
            capacity=1,
        )


def test_an_activity_ending_before_it_starts_is_refused(secretary_a, world):
    with pytest.raises(RuleViolation) as refused:
        signups.create_activity(
            by=secretary_a,
            org=world.org_a,
            area=world.community_a,
            title="x",
            place="y",
            starts_at=_now_plus(days=1),
            ends_at=_now_plus(hours=1),
            capacity=1,
        )
    assert refused.value.rule == "ends_after_start"


def test_a_finished_activity_cannot_be_opened_again(secretary_a, world):
    activity = activity_a(world, state=ActivityState.FINISHED)
    with pytest.raises(RuleViolation) as refused:
        signups.transition(activity, "open", by=secretary_a)
    assert refused.value.rule == "activity_state"


def test_a_stale_edit_is_refused(secretary_a, world):
    activity = activity_a(world)
    signups.update_activity(activity, by=secretary_a, version=1, title="新标题")
    with pytest.raises(ConcurrentChange):
        signups.update_activity(activity, by=secretary_a, version=1, title="旧页面")


def test_sign_up_is_refused_when_full_and_joins_the_waiting_list_on_request(world):
    activity = activity_a(world, capacity=1, starts_in_hours=24)
    first, second = volunteer("v1", "甲"), volunteer("v2", "乙")
    signups.sign_up(activity, by=first)
    with pytest.raises(RuleViolation) as refused:
        signups.sign_up(activity, by=second)
    assert refused.value.rule == "activity_full"
    waiting = signups.sign_up(activity, by=second, waitlist=True)
    assert waiting.state == SignUpState.WAITLISTED


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list(world):
    activity = activity_a(world, capacity=1, starts_in_hours=24)
    first, second = volunteer("v1", "甲"), volunteer("v2", "乙")
    taken = signups.sign_up(activity, by=first)
    waiting = signups.sign_up(activity, by=second, waitlist=True)
    signups.cancel_sign_up(taken, by=first)
    waiting.refresh_from_db()
    assert waiting.state == SignUpState.SIGNED_UP


def test_signing_up_twice_is_refused(world):
    activity = activity_a(world, starts_in_hours=24)
    user = volunteer()
    signups.sign_up(activity, by=user)
    with pytest.raises(RuleViolation) as refused:
        signups.sign_up(activity, by=user)
    assert refused.value.rule == "already_signed_up"


def test_a_draft_activity_takes_no_sign_up(world):
    activity = activity_a(world, state=ActivityState.DRAFT)
    with pytest.raises(RuleViolation) as refused:
        signups.sign_up(activity, by=volunteer())
    assert refused.value.rule == "signup_not_open"


def test_check_in_needs_the_activity_token(world):
    activity = activity_a(world)
    user = volunteer()
    signed_up(activity, user.person)
    with pytest.raises(PermissionDenied):
        signups.check_in(activity, token="wrong", by=user)


def test_check_in_before_the_window_is_refused_with_the_time(world):
    activity = activity_a(world, starts_in_hours=5)
    user = volunteer()
    signed_up(activity, user.person)
    with pytest.raises(RuleViolation) as refused:
        signups.check_in(activity, token=activity.check_in_token, by=user)
    assert refused.value.rule == "check_in"


def test_check_in_and_out_propose_the_time_served_within_the_activity(world):
    activity = activity_a(world, starts_in_hours=-3, hours=4)
    user = volunteer()
    signed_up(activity, user.person)
    start = activity.starts_at
    signups.check_in(
        activity, token=activity.check_in_token, by=user, now=start - datetime.timedelta(minutes=20)
    )
    signup = signups.check_out(
        activity, token=activity.check_in_token, by=user, now=start + datetime.timedelta(hours=2, minutes=30)
    )
    # Early arrival is not service: counted from the start.
    assert signup.hours == Decimal("2.5")


def test_the_organizer_confirms_edited_hours_and_they_post_to_both_ledgers(secretary_a, world):
    activity = activity_a(world)
    user = volunteer()
    signup = signed_up(
        activity,
        user.person,
        checked_in_at=activity.starts_at,
        checked_out_at=timezone.now(),
        hours=Decimal("1.0"),
    )
    record = signups.confirm_hours(signup, by=secretary_a, hours="2.5", version=signup.version)
    assert record.hours == Decimal("2.5")
    assert record.source == HoursSource.ACTIVITY
    assert record.org == world.org_a
    assert PointEntry.objects.get(hours_record=record).delta == 25
    with pytest.raises(RuleViolation) as refused:
        signups.confirm_hours(signup, by=secretary_a, hours="3")
    assert refused.value.rule == "already_confirmed"


def test_someone_who_never_checked_in_has_no_hours_to_confirm(secretary_a, world):
    activity = activity_a(world)
    signup = signed_up(activity, volunteer().person)
    with pytest.raises(RuleViolation) as refused:
        signups.confirm_hours(signup, by=secretary_a, hours="2")
    assert refused.value.rule == "not_checked_in"
    assert not HoursRecord.objects.exists()


def test_another_community_cannot_confirm(secretary_b, world):
    activity = activity_a(world)
    signup = signed_up(activity, volunteer().person, checked_in_at=activity.starts_at)
    with pytest.raises(PermissionDenied):
        signups.confirm_hours(signup, by=secretary_b, hours="2")


def test_fewer_places_than_people_signed_up_is_refused(secretary_a, world):
    activity = activity_in(world.org_a, world.community_a, capacity=2, starts_in_hours=24)
    signups.sign_up(activity, by=volunteer("v1", "甲"))
    signups.sign_up(activity, by=volunteer("v2", "乙"))
    with pytest.raises(RuleViolation) as refused:
        signups.update_activity(activity, by=secretary_a, version=activity.version, capacity=1)
    assert refused.value.rule == "capacity_below_signups"
