"""What the activities services share: hours as Decimal, dates, the acting user."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core.errors import ConcurrentChange, RuleViolation

# One record is one day's service; more than this is a typing mistake, not a long day.
MAX_HOURS_PER_RECORD = Decimal("24")
TENTH = Decimal("0.1")


def today() -> datetime.date:
    return timezone.localdate()


def user_or_none(by):
    return by if getattr(by, "is_authenticated", False) else None


def parse_hours(value, *, allow_zero: bool = False, field: str = "hours") -> Decimal:
    """Hours to the tenth; more than 0 (or 0 when ``allow_zero``) and at most 24."""
    try:
        hours = Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise RuleViolation(
            gettext("“%(value)s” is not a number of hours.") % {"value": value},
            rule="hours_number",
            field=field,
        ) from None
    if hours < 0 or (hours == 0 and not allow_zero):
        raise RuleViolation(
            gettext("Hours of service must be more than 0."), rule="hours_positive", field=field
        )
    if hours > MAX_HOURS_PER_RECORD:
        raise RuleViolation(
            gettext("One record covers one day: at most %(max)s hours.") % {"max": MAX_HOURS_PER_RECORD},
            rule="hours_per_day",
            field=field,
        )
    return hours


def hours_between(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    """The time between two moments in hours, to the tenth (0 when ``end`` is not after ``start``)."""
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / Decimal(3600)).quantize(TENTH, rounding=ROUND_HALF_UP)


def not_in_future(value: datetime.date, field: str) -> None:
    if value > today():
        raise RuleViolation(
            gettext("The date %(date)s is in the future; record service that has happened.")
            % {"date": value},
            rule="future_date",
            field=field,
        )


def check_version(obj, version: int | None) -> None:
    """Refuse an edit made on a copy older than the row (optimistic concurrency)."""
    if version is not None and int(version) != obj.version:
        raise ConcurrentChange(
            gettext("Someone else changed this record after you opened it; reload the page and try again."),
            rule="stale_version",
        )
