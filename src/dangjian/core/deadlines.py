"""Deadlines from the working-day calendar (调休 included), the stopped clock of 挂起, and the
overdue sweep: one mechanism for every app with a time limit (service requests, the leader
mailbox). Moved down from ``service.deadlines``, which re-exports these names.

Three units: working days (due at the end of the N-th working day after the report day, as
``core.workdays.add_working_days`` counts), working hours (office hours of working days,
``settings.SERVICE_OFFICE_HOURS``, default 09:00–17:00) and calendar days (全时通: the clock runs
on weekends and holidays). A suspension moves the deadline by the time it lasted, counted in the
deadline's own unit, so two working days of 挂起 move a working-day deadline by two working days.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.core.choices import TimeLimitUnit
from dangjian.core.workdays import (
    WorkingCalendar,
    add_working_days,
    default_calendar,
    is_working_day,
    local_date,
)

ONE_DAY = datetime.timedelta(days=1)


def office_hours() -> tuple[int, int]:
    """The office day as (first hour, end hour) in local time; working hours count inside it."""
    start, end = getattr(settings, "SERVICE_OFFICE_HOURS", (9, 17))
    return int(start), int(end)


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _at(
    day: datetime.date, hour: int, minute: int = 0, second: int = 0, microsecond: int = 0
) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute, second, microsecond)),
        timezone.get_current_timezone(),
    )


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of a local day (a working-day deadline is kept through the whole day)."""
    return _at(day, 23, 59, 59)


def add_working_hours(
    start: datetime.datetime, hours: Decimal | float | int, calendar: WorkingCalendar | None = None
) -> datetime.datetime:
    """The moment ``hours`` office hours after ``start`` (outside office time counts from the next opening)."""
    calendar = calendar or default_calendar()
    first, last = office_hours()
    remaining = datetime.timedelta(hours=float(hours))
    moment = _local(start)
    day = moment.date()
    while True:
        if is_working_day(day, calendar):
            opening, closing = _at(day, first), _at(day, last)
            begin = max(moment, opening)
            if begin < closing:
                available = closing - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += ONE_DAY
        moment = _at(day, 0)


def working_hours_between(
    start: datetime.datetime, end: datetime.datetime, calendar: WorkingCalendar | None = None
) -> Decimal:
    """Office hours of working days between two moments (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return Decimal("0")
    calendar = calendar or default_calendar()
    first, last = office_hours()
    start, end = _local(start), _local(end)
    total = datetime.timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day, calendar):
            begin = max(start, _at(day, first))
            finish = min(end, _at(day, last))
            if finish > begin:
                total += finish - begin
        day += ONE_DAY
    return (Decimal(total.total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))


def compute_due(
    start: datetime.datetime, amount: int, unit: str, calendar: WorkingCalendar | None = None
) -> datetime.datetime:
    """The deadline of something received at ``start`` under a time limit of ``amount`` ``unit``."""
    if unit == TimeLimitUnit.WORKING_DAYS:
        return end_of_day(add_working_days(start, amount, calendar))
    if unit == TimeLimitUnit.WORKING_HOURS:
        return add_working_hours(start, amount, calendar)
    if unit == TimeLimitUnit.CALENDAR_DAYS:
        return start + datetime.timedelta(days=amount)
    raise ValueError(f"unknown time limit unit {unit!r}")


def extend_for_suspension(
    due_at: datetime.datetime,
    suspended_at: datetime.datetime,
    resumed_at: datetime.datetime,
    unit: str,
    calendar: WorkingCalendar | None = None,
) -> datetime.datetime:
    """The deadline after a 挂起 from ``suspended_at`` to ``resumed_at``: moved by the paused time."""
    from dangjian.core.workdays import working_days_between

    if unit == TimeLimitUnit.WORKING_DAYS:
        paused_days = working_days_between(suspended_at, resumed_at, calendar)
        if paused_days <= 0:
            return due_at
        return end_of_day(add_working_days(local_date(due_at), paused_days, calendar))
    if unit == TimeLimitUnit.WORKING_HOURS:
        paused_hours = working_hours_between(suspended_at, resumed_at, calendar)
        return add_working_hours(due_at, paused_hours, calendar) if paused_hours > 0 else due_at
    return due_at + (resumed_at - suspended_at)


# --- the overdue sweep ------------------------------------------------------------------------

BATCH_SIZE = 500


def in_batches(queryset: QuerySet, batch_size: int = BATCH_SIZE) -> Iterator:
    """The rows of ``queryset`` in primary-key order, ``batch_size`` at a time (keyset, not offset)."""
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk


def past_due(now: datetime.datetime, *, due_field: str = "due_at", flag_field: str = "overdue_at") -> Q:
    """Rows past their deadline and not yet flagged: what an overdue job walks and what its
    service function claims with a conditional update (so a second run changes nothing)."""
    return Q(**{f"{flag_field}__isnull": True, f"{due_field}__lt": now})


def sweep_overdue(queryset: QuerySet, mark: Callable[..., bool], now: datetime.datetime) -> int:
    """Hand every open row of ``queryset`` past its deadline to ``mark(row, now=now)`` (the app's
    service function, which flags, audits and escalates it); returns how many it flagged."""
    return sum(bool(mark(row, now=now)) for row in in_batches(queryset.filter(past_due(now))))
