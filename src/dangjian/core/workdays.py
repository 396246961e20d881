"""Working days (工作日) by the State Council's yearly holiday notice, with 调休 make-up days.

Deadlines of service requests, mailbox replies and the clock of 挂起 count working days. The
holidays and make-up days live in ``CalendarYear``/``CalendarDay`` rows that admins enter each
November; every process keeps them in memory and reloads when a version number in the shared
cache changes, so the hot path never queries the database. A year nobody entered falls back to
the fixed-date statutory holidays, with a warning.
"""

from __future__ import annotations

import datetime
import logging
import re
import threading
import time
import uuid
import warnings
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangjian.core.choices import AuditAction, CalendarDayKind
from dangjian.core.errors import PermissionDenied, RuleViolation

if TYPE_CHECKING:
    from dangjian.core.models import CalendarYear

logger = logging.getLogger(__name__)

VERSION_CACHE_KEY = "dangjian:workdays:version"
# How long a process trusts its copy before asking the shared cache whether the calendar changed.
# Changes made in this process are seen at once; other processes see them within this interval.
VERSION_CHECK_SECONDS = 5.0

# 《全国年节及纪念日放假办法》 as revised in 2024 (国务院令第 795 号), article 2: the holidays whose
# dates do not move with the lunar calendar or the solar terms. 春节 (with 除夕), 清明节, 端午节
# and 中秋节 move and cannot be assumed without the year's notice.
STATUTORY_FIXED_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (1, 1, "元旦"),
    (5, 1, "劳动节"),
    (5, 2, "劳动节"),
    (10, 1, "国庆节"),
    (10, 2, "国庆节"),
    (10, 3, "国庆节"),
)


class CalendarNotEnteredWarning(UserWarning):
    """A year's holidays were not entered; working days of that year are an approximation."""


def local_date(moment: datetime.datetime | datetime.date) -> datetime.date:
    """The calendar date of ``moment`` in the configured time zone (``DANGJIAN_TIME_ZONE``).

    An aware datetime is converted first: 23:30 in Shanghai is already the next day in UTC, and
    the Shanghai date is the one the deadline rules speak of. A naive datetime is taken as local.
    """
    if isinstance(moment, datetime.datetime):
        if timezone.is_aware(moment):
            moment = moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        return moment.date()
    if isinstance(moment, datetime.date):
        return moment
    raise TypeError(f"expected a date or datetime, got {type(moment).__name__}")


@dataclass
class WorkingCalendar:
    """Holidays and make-up working days in memory, answering "is this a working day?".

    ``years`` are the years whose notice was entered; other years use the statutory fixed-date
    holidays and warn once per year. Build one from plain mappings in tests
    (``WorkingCalendar.from_days(holidays={...}, workdays={...})``); the application uses
    :func:`default_calendar`, loaded from the database.
    """

    holidays: dict[datetime.date, str] = field(default_factory=dict)
    workdays: dict[datetime.date, str] = field(default_factory=dict)
    years: frozenset[int] = frozenset()
    _warned_years: set[int] = field(default_factory=set, repr=False)
    _fallback_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_days(
        cls,
        *,
        holidays: Mapping[datetime.date, str] | Iterable[datetime.date] = (),
        workdays: Mapping[datetime.date, str] | Iterable[datetime.date] = (),
        years: Iterable[int] | None = None,
    ) -> WorkingCalendar:
        """A calendar from explicit days; ``years`` defaults to every year the days fall in."""
        holiday_map = dict(holidays) if isinstance(holidays, Mapping) else dict.fromkeys(holidays, "")
        workday_map = dict(workdays) if isinstance(workdays, Mapping) else dict.fromkeys(workdays, "")
        if years is None:
            years = {day.year for day in (*holiday_map, *workday_map)}
        return cls(holidays=holiday_map, workdays=workday_map, years=frozenset(years))

    @classmethod
    def from_database(cls) -> WorkingCalendar:
        """Two queries: the entered years and the special days."""
        from dangjian.core.models import CalendarDay, CalendarYear

        holidays: dict[datetime.date, str] = {}
        workdays: dict[datetime.date, str] = {}
        for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
            (workdays if kind == CalendarDayKind.WORKDAY else holidays)[day] = name
        years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        return cls(holidays=holidays, workdays=workdays, years=years)

    def is_entered(self, year: int) -> bool:
        return year in self.years

    def is_working_day(self, day: datetime.date) -> bool:
        if day.year not in self.years:
            return self._fallback_is_working_day(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def holiday_name(self, day: datetime.date) -> str:
        """The holiday's name (元旦, 春节 …), or "" on a day that is not a holiday."""
        if day.year not in self.years:
            return _FIXED_NAMES.get((day.month, day.day), "")
        return self.holidays.get(day, "")

    def _fallback_is_working_day(self, day: datetime.date) -> bool:
        if day.year not in self._warned_years:
            with self._fallback_lock:
                if day.year not in self._warned_years:
                    self._warned_years.add(day.year)
                    message = fallback_message(day.year)
                    logger.warning(message)
                    warnings.warn(message, CalendarNotEnteredWarning, stacklevel=4)
        if (day.month, day.day) in _FIXED_NAMES:
            return False
        return day.weekday() < 5


_FIXED_NAMES = {(month, day): name for month, day, name in STATUTORY_FIXED_HOLIDAYS}


def fallback_message(year: int) -> str:
    """What the warning says for a year nobody entered: which holidays are assumed."""
    assumed = "、".join(f"{name} {month}月{day}日" for month, day, name in STATUTORY_FIXED_HOLIDAYS)
    return (
        f"{year} 年的节假日安排尚未录入：工作日暂按法定固定日期假日计算（{assumed}），"
        f"春节、清明节、端午节、中秋节和调休上班日均未计入。"
        f"请在国务院办公厅发布通知后于“日历年份”中录入 {year} 年的安排。"
    )


class _DefaultCalendar:
    """The process-wide calendar: loaded once, reloaded when the shared version changes."""

    def __init__(self) -> None:
        self._calendar: WorkingCalendar | None = None
        self._version: object = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._warned_years: set[int] = set()

    def get(self) -> WorkingCalendar:
        calendar = self._calendar
        now = time.monotonic()
        if calendar is not None and now - self._checked_at < VERSION_CHECK_SECONDS:
            return calendar
        # The version is read before the rows, so a change saved while loading triggers a reload.
        version = cache.get(VERSION_CACHE_KEY)
        if calendar is not None and version == self._version:
            self._checked_at = now
            return calendar
        with self._lock:
            if self._calendar is not None and self._version == version:
                return self._calendar  # another thread loaded it meanwhile
            calendar = WorkingCalendar.from_database()
            # Warnings stay once per year per process, across reloads.
            calendar._warned_years = self._warned_years
            self._calendar, self._version, self._checked_at = calendar, version, now
        return calendar

    def invalidate(self) -> None:
        self._calendar = None


_default = _DefaultCalendar()


def default_calendar() -> WorkingCalendar:
    """The calendar of the database, as this process currently holds it."""
    return _default.get()


def bump_calendar_version() -> None:
    """Tell every process that the calendar rows changed (call after saving them).

    This process reloads at once; the shared version is set again when the transaction commits
    so other processes do not reload before the new rows are visible to them.
    """
    _default.invalidate()
    cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)

    def after_commit() -> None:
        _default.invalidate()
        cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)

    transaction.on_commit(after_commit)


def reset_default_calendar() -> None:
    """Forget this process's copy and its warnings (tests, after the database was rolled back)."""
    global _default
    _default = _DefaultCalendar()


def is_working_day(day: datetime.date, calendar: WorkingCalendar | None = None) -> bool:
    """Weekdays that are not holidays, plus 调休 make-up working days on weekends."""
    return (calendar or _default.get()).is_working_day(local_date(day))


def add_working_days(
    start: datetime.datetime | datetime.date, days: int, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The date of the ``days``-th working day after ``start``'s date (the deadline's last day).

    Counting starts on the next working day after the start date, whatever the start day is:
    a request made on 2026-02-13 with 3 working days is due 2026-02-25 (2-14 is a make-up
    Saturday, 2-15..2-23 is the Spring Festival, then 2-24 and 2-25). ``days=0`` is the start date.
    """
    if days < 0:
        raise ValueError(f"days must be zero or more, got {days}; count backwards explicitly if needed")
    calendar = calendar or _default.get()
    day = local_date(start)
    counted = 0
    one = datetime.timedelta(days=1)
    while counted < days:
        day += one
        if calendar.is_working_day(day):
            counted += 1
    return day


def working_days_between(
    start: datetime.datetime | datetime.date,
    end: datetime.datetime | datetime.date,
    calendar: WorkingCalendar | None = None,
) -> int:
    """Working days after ``start``'s date up to and including ``end``'s date.

    The count matches :func:`add_working_days`: ``working_days_between(s, add_working_days(s, n))
    == n``. Used for handling time and for the time a request spent 挂起 (the clock stops).
    An ``end`` before ``start`` gives the negative count of the reverse span.
    """
    calendar = calendar or _default.get()
    first, last = local_date(start), local_date(end)
    if last < first:
        return -working_days_between(last, first, calendar)
    one = datetime.timedelta(days=1)
    count = 0
    day = first + one
    while day <= last:
        if calendar.is_working_day(day):
            count += 1
        day += one
    return count


def missing_calendar_years(
    today: datetime.date | None = None, calendar: WorkingCalendar | None = None
) -> list[int]:
    """Years admins should enter now: this year, and next year from November (notice month)."""
    calendar = calendar or _default.get()
    today = today or timezone.localdate()
    wanted = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [year for year in wanted if not calendar.is_entered(year)]


# --- Entering a year ---------------------------------------------------------------------------

LINE_RE = re.compile(
    r"^(?P<first>\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:\.\.|至|~|～)\s*(?P<last>\d{4}-\d{1,2}-\d{1,2}))?"
    r"(?:\s+(?P<name>.*?))?\s*$"
)


class CalendarInputError(RuleViolation):
    """The entered lines of a year have mistakes; ``errors`` lists every one."""

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors), rule="calendar_input")
        self.errors = errors


def _parse_date(text: str) -> datetime.date | None:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_days(year: int, text: str, *, label: str, errors: list[str]) -> dict[datetime.date, str]:
    """Lines of ``2027-01-01 元旦`` or ``2027-02-06..2027-02-12 春节`` into ``{date: name}``.

    Mistakes are appended to ``errors`` (with the line number) rather than raised, so the admin
    sees all of them at once.
    """
    days: dict[datetime.date, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE_RE.match(line)
        if not match:
            errors.append(
                gettext(
                    "%(label)s, line %(number)s: “%(line)s” cannot be read; write it as “%(year)s-01-01 元旦” "
                    "or “%(year)s-02-06..%(year)s-02-12 春节”."
                )
                % {"label": label, "number": number, "line": line, "year": year}
            )
            continue
        first = _parse_date(match["first"])
        last = _parse_date(match["last"]) if match["last"] else first
        if first is None or last is None:
            errors.append(
                gettext(
                    "%(label)s, line %(number)s: a date in “%(line)s” does not exist; check the month and day."
                )
                % {"label": label, "number": number, "line": line}
            )
            continue
        if last < first:
            errors.append(
                gettext("%(label)s, line %(number)s: in “%(line)s” the end date is before the start date.")
                % {"label": label, "number": number, "line": line}
            )
            continue
        if first.year != year or last.year != year:
            errors.append(
                gettext(
                    "%(label)s, line %(number)s: “%(line)s” is not in %(year)s; enter only dates of this year."
                )
                % {"label": label, "number": number, "line": line, "year": year}
            )
            continue
        name = (match["name"] or "").strip()[:64]
        day = first
        while day <= last:
            if day in days:
                errors.append(
                    gettext("%(label)s, line %(number)s: %(date)s is entered twice.")
                    % {"label": label, "number": number, "date": f"{day:%Y-%m-%d}"}
                )
            days[day] = name
            day += datetime.timedelta(days=1)
    return days


def parse_year(
    year: int, holidays_text: str, workdays_text: str
) -> tuple[dict[datetime.date, str], dict[datetime.date, str]]:
    """Holidays and make-up days of ``year`` from the admin's text; raises CalendarInputError."""
    errors: list[str] = []
    holidays = parse_days(year, holidays_text, label=gettext("Holiday dates"), errors=errors)
    workdays = parse_days(year, workdays_text, label=gettext("Make-up working dates"), errors=errors)
    if not holidays and not errors:
        errors.append(
            gettext(
                "No holidays have been entered for %(year)s yet; fill them in line by line from the notice."
            )
            % {"year": year}
        )
    for day in sorted(set(holidays) & set(workdays)):
        errors.append(
            gettext("%(date)s is entered both as a holiday and as a make-up working day; remove one of them.")
            % {"date": f"{day:%Y-%m-%d}"}
        )
    for day in sorted(workdays):
        if day.weekday() < 5 and day not in holidays:
            errors.append(
                gettext(
                    "The make-up working day %(date)s (%(weekday)s) is a working day already; "
                    "make-up working days can only be Saturdays or Sundays."
                )
                % {"date": f"{day:%Y-%m-%d}", "weekday": WEEKDAYS[day.weekday()]}
            )
    if errors:
        raise CalendarInputError(errors)
    return holidays, workdays


def format_days(days: Mapping[datetime.date, str]) -> str:
    """The inverse of :func:`parse_days`: consecutive days of one name become a range line."""
    lines: list[str] = []
    ordered = sorted(days.items())
    index = 0
    while index < len(ordered):
        first, name = ordered[index]
        last = first
        while (
            index + 1 < len(ordered)
            and ordered[index + 1][0] == last + datetime.timedelta(days=1)
            and ordered[index + 1][1] == name
        ):
            index += 1
            last = ordered[index][0]
        span = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
        lines.append(f"{span} {name}".strip())
        index += 1
    return "\n".join(lines)


def enter_calendar_year(
    year: int,
    *,
    holidays: Mapping[datetime.date, str],
    workdays: Mapping[datetime.date, str],
    by,
    source: str = "",
) -> CalendarYear:
    """Store a whole year's holidays and make-up days at once, replacing what the year had.

    All or nothing, audited, and every process sees the new calendar without a restart.
    """
    from dangjian.core import audit
    from dangjian.core.models import CalendarDay, CalendarYear

    if not (by is not None and by.is_active and by.has_perm("core.change_calendaryear")):
        raise PermissionDenied(
            gettext("You do not have permission to enter holiday arrangements."), rule="calendar_permission"
        )
    errors = []
    for day in (*holidays, *workdays):
        if day.year != year:
            errors.append(gettext("%(date)s is not in %(year)s.") % {"date": f"{day:%Y-%m-%d}", "year": year})
    if set(holidays) & set(workdays):
        errors.append(gettext("The same day cannot be both a holiday and a make-up working day."))
    if any(day.weekday() < 5 for day in workdays):
        errors.append(gettext("Make-up working days can only be Saturdays or Sundays."))
    if errors:
        raise CalendarInputError(errors)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        before_days = {
            f"{day:%Y-%m-%d}": [kind, name]
            for day, kind, name in CalendarDay.objects.filter(date__range=(first, last)).values_list(
                "date", "kind", "name"
            )
        }
        created = calendar_year is None
        if created:
            calendar_year = CalendarYear.objects.create(year=year, source=source)
        elif source and source != calendar_year.source:
            calendar_year.source = source
            calendar_year.save(update_fields=["source"])
        CalendarDay.objects.filter(date__range=(first, last)).delete()
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=day, kind=CalendarDayKind.HOLIDAY, name=name) for day, name in holidays.items()]
            + [
                CalendarDay(date=day, kind=CalendarDayKind.WORKDAY, name=name)
                for day, name in workdays.items()
            ]
        )
        after_days = {
            f"{day:%Y-%m-%d}": [CalendarDayKind.HOLIDAY.value, name] for day, name in holidays.items()
        }
        after_days |= {
            f"{day:%Y-%m-%d}": [CalendarDayKind.WORKDAY.value, name] for day, name in workdays.items()
        }
        changes = {
            key: [before_days.get(key), after_days.get(key)]
            for key in sorted(set(before_days) | set(after_days))
            if before_days.get(key) != after_days.get(key)
        }
        audit.record(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            calendar_year,
            by=by,
            changes=changes,
            note=str(_("Holidays and make-up working days entered for the whole year")),
        )
        bump_calendar_version()
    return calendar_year
