"""Posting points from the registered sources: a hand calculation on a small world, the monthly
cap, idempotence (run twice, nothing changes), and what does not count."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from dangjian.core.registry import registry
from dangjian.member_points.choices import EntryKind
from dangjian.member_points.models import PointEntry
from dangjian.member_points.services import post_points
from tests.member_points.helpers import MARCH, hours, rules, small_world

pytestmark = pytest.mark.django_db

MARCH_END = datetime.date(2026, 3, 31)


def totals() -> dict[int, Decimal]:
    return dict(PointEntry.objects.values_list("person_id").annotate(total=Sum("points")).order_by())


def test_every_source_is_registered_from_the_app_that_owns_the_records():
    assert {"life.attendance", "activities.hours", "dues.on_time", "service_posts.held"} <= set(
        registry["point_sources"]
    )


def test_points_equal_a_hand_calculation_under_the_rule_table(world):
    people = small_world(world)
    rules()
    post_points(MARCH, MARCH_END)
    by_person = totals()
    # 张三: a meeting attended (2) + 3.5 hours (3.5) + March dues on time (2) + March holding a post (3).
    assert by_person[people["zhang"].person_id] == Decimal("10.50")
    # 王五: six meetings at 2 = 12, capped at 10 a month; dues short of what was due earn nothing.
    assert by_person[people["wang"].person_id] == Decimal("10.00")
    # 李四: absent, late dues, a declined claim: nothing.
    assert people["li"].person_id not in by_person
    zhang = PointEntry.objects.filter(person_id=people["zhang"].person_id)
    assert {entry.source_key for entry in zhang} == {
        "life.attendance",
        "activities.hours",
        "dues.on_time",
        "service_posts.held",
    }
    assert all(entry.month == MARCH and entry.kind == EntryKind.POSTED for entry in zhang)
    assert all(entry.org_id == world.branch_a1.pk for entry in zhang)


def test_the_cap_leaves_the_events_beyond_it_at_zero_and_never_passes_it(world):
    people = small_world(world)
    rules()
    post_points(MARCH, MARCH_END)
    wang = PointEntry.objects.filter(person_id=people["wang"].person_id, source_key="life.attendance")
    assert sorted(entry.points for entry in wang) == [0, 2, 2, 2, 2, 2]


def test_posting_twice_changes_nothing(world):
    small_world(world)
    rules()
    first = post_points(MARCH, MARCH_END)
    rows = list(PointEntry.objects.order_by("pk").values_list("pk", "person_id", "points", "source_id"))
    second = post_points(MARCH, MARCH_END)
    assert first.created == len(rows) > 0
    assert second.created == 0
    assert (
        list(PointEntry.objects.order_by("pk").values_list("pk", "person_id", "points", "source_id")) == rows
    )


def test_overlapping_windows_post_each_event_once_and_keep_the_cap(world):
    people = small_world(world)
    rules()
    post_points(datetime.date(2026, 3, 1), datetime.date(2026, 3, 15))
    post_points(datetime.date(2026, 3, 10), datetime.date(2026, 4, 30))
    post_points(datetime.date(2026, 2, 1), MARCH_END)
    by_person = totals()
    assert by_person[people["wang"].person_id] == Decimal("10.00")
    zhang_march = PointEntry.objects.filter(person_id=people["zhang"].person_id, month=MARCH)
    assert sum(entry.points for entry in zhang_march) == Decimal("10.50")
    # April: 张三 still held the post (3 points); nothing else happened.
    april = PointEntry.objects.filter(person_id=people["zhang"].person_id, month=datetime.date(2026, 4, 1))
    assert [(entry.source_key, entry.points) for entry in april] == [("service_posts.held", Decimal("3.00"))]


def test_an_hours_correction_posts_its_own_negative_entry(world):
    people = small_world(world)
    rules()
    post_points(MARCH, MARCH_END)
    original = people["zhang"].person_id
    record = hours(people["zhang"], datetime.date(2026, 3, 12), "2")
    hours(people["zhang"], datetime.date(2026, 3, 12), "-1", corrects=record)
    post_points(MARCH, MARCH_END)
    assert totals()[original] == Decimal("11.50")


def test_a_rule_applies_only_within_its_dates_and_organization(world):
    people = small_world(world)
    made = rules(active_from=datetime.date(2026, 3, 15))  # the meeting of 3-10 falls before
    made["dues.on_time"].org = world.branch_b1  # 张三 is in 社区A
    made["dues.on_time"].save()
    post_points(MARCH, MARCH_END)
    keys = set(
        PointEntry.objects.filter(person_id=people["zhang"].person_id).values_list("source_key", flat=True)
    )
    # Everything of 张三's March happened before the 15th (the post counts from the 1st held).
    assert keys == set()
    assert not PointEntry.objects.filter(source_key="dues.on_time").exists()
    assert not PointEntry.objects.filter(
        source_key="life.attendance", occurred_on__lt=datetime.date(2026, 3, 15)
    ).exists()


def test_people_who_are_not_active_members_earn_nothing(world):
    people = small_world(world)
    rules()
    people["zhang"].is_active = False
    people["zhang"].save()
    result = post_points(MARCH, MARCH_END)
    assert result.skipped_not_member > 0
    assert not PointEntry.objects.filter(person_id=people["zhang"].person_id).exists()
