"""Deadlines from the working-day calendar, and the stopped clock of 挂起 (issue 4 acceptance)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.service import services
from dangjian.service.choices import RequestState
from tests.service.conftest import at, dispatched_request, file_request


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def test_three_working_days_from_2026_02_13_end_on_2026_02_25(service_world, world):
    # 2-14 is a make-up Saturday (counts); 2-15..2-23 is the Spring Festival (does not); then 2-24, 2-25.
    request_obj = file_request(world, service_world.garbage, now=at("2026-02-13 10:00"))
    assert local_day(request_obj.due_at) == datetime.date(2026, 2, 25)
    assert timezone.localtime(request_obj.due_at).hour == 23


def test_two_working_days_of_suspension_move_the_deadline_by_two_working_days(
    service_world, world, secretary_a
):
    request_obj = dispatched_request(world, service_world, secretary_a, now=at("2026-02-13 10:00"))
    # Suspended on Tuesday 2-24 morning, resumed on Thursday 2-26 morning: 2-25 and 2-26 are paused.
    services.suspend_request(
        request_obj, by=secretary_a, reason="等待业主提供材料", now=at("2026-02-24 09:00")
    )
    assert request_obj.state == RequestState.SUSPENDED
    services.resume_request(request_obj, by=secretary_a, now=at("2026-02-26 09:00"))
    assert request_obj.state == RequestState.DISPATCHED
    # 2-25 + 2 working days = 2-27 (Friday).
    assert local_day(request_obj.due_at) == datetime.date(2026, 2, 27)


def test_suspension_over_a_weekend_moves_the_deadline_only_by_the_working_days(
    service_world, world, secretary_a
):
    request_obj = dispatched_request(world, service_world, secretary_a, now=at("2026-03-02 10:00"))
    assert local_day(request_obj.due_at) == datetime.date(2026, 3, 5)
    services.suspend_request(request_obj, by=secretary_a, reason="等待", now=at("2026-03-06 09:00"))
    services.resume_request(
        request_obj, by=secretary_a, now=at("2026-03-09 09:00")
    )  # Fri → Mon: one working day
    assert local_day(request_obj.due_at) == datetime.date(2026, 3, 6)


def test_working_hour_limits_count_office_hours_of_working_days(service_world, world):
    # Friday 2026-03-06 15:00 + 8 office hours (09:00-17:00): 2 h on Friday, 6 h on Monday → Monday 15:00.
    request_obj = file_request(world, service_world.lighting, now=at("2026-03-06 15:00"))
    assert timezone.localtime(request_obj.due_at) == at("2026-03-09 15:00")


def test_calendar_day_categories_run_through_holidays(service_world, world, secretary_a):
    request_obj = file_request(
        world, service_world.elderly, by=secretary_a, source="hotline", now=at("2026-02-14 20:00")
    )
    assert timezone.localtime(request_obj.due_at) == at("2026-02-15 20:00")


def test_recategorizing_recomputes_the_deadline_and_keeps_both_in_the_timeline(
    service_world, world, secretary_a
):
    request_obj = file_request(world, service_world.garbage, now=at("2026-03-06 15:00"))
    services.recategorize_request(
        request_obj,
        by=secretary_a,
        category=service_world.lighting,
        note="实为路灯",
        now=at("2026-03-06 16:00"),
    )
    assert request_obj.category_id == service_world.lighting.pk
    assert timezone.localtime(request_obj.due_at) == at("2026-03-09 15:00")
    event = request_obj.events.get(action="recategorize")
    assert event.data["category"] == ["垃圾清运", "路灯维修"]
    assert len(event.data["due_at"]) == 2
