"""What the step's modules share: the grid and category shapes, the working-calendar clock, weighted draws."""

from __future__ import annotations

import bisect
import datetime
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from dangjian.core.workdays import default_calendar
from dangjian.service import deadlines
from dangjian.service.demo_data.tables import CD, EVENING_HOURS, ONE_DAY, SOURCES_HOLIDAY, SOURCES_WORKDAY, WH
from dangjian.service.services import TRACKING_ALPHABET, TRACKING_LENGTH


@dataclass
class Grid:
    pk: int
    path: str
    name: str
    community: str
    rect: tuple[float, float, float, float] | None
    buildings: int
    org_id: int | None
    org_path: str
    org_name: str
    branch_id: int | None
    branch_path: str
    branch_name: str
    street_path: str


@dataclass
class Leaf_:
    pk: int
    path: str
    name: str
    amount: int
    unit: str
    mode: str
    public: bool
    handler: str
    description: str
    weights: list[float] = field(default_factory=list)


def tracking_codes(seed: int):
    """Deterministic unique codes: a counter through an affine bijection of [0, 31**10), in base 31."""
    base = len(TRACKING_ALPHABET)
    space = base**TRACKING_LENGTH
    multiplier = 0x5DEECE66D  # not divisible by 31, so x → (a·x + b) mod 31**10 is a bijection
    offset = (seed * 0x9E3779B97F4A7C15) % space
    counter = 0
    while True:
        value = (multiplier * counter + offset) % space
        counter += 1
        digits = []
        for _ in range(TRACKING_LENGTH):
            value, remainder = divmod(value, base)
            digits.append(TRACKING_ALPHABET[remainder])
        yield "".join(digits)


class Clock:
    """Working-calendar arithmetic in local naive time, cached per day (1M requests need it fast)."""

    def __init__(self, first: datetime.date, last: datetime.date):
        self.calendar = default_calendar()
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.open_hour, self.close_hour = deadlines.office_hours()
        self.first = first
        self.working: dict[datetime.date, bool] = {}
        self.prefix: dict[datetime.date, int] = {}
        office = (self.close_hour - self.open_hour) * 3600
        total = 0
        day = first
        while day <= last:
            works = self.calendar.is_working_day(day)
            self.working[day] = works
            self.prefix[day] = total
            total += office if works else 0
            day += ONE_DAY
        self.due_cache: dict[tuple[datetime.date, int, str], datetime.datetime] = {}

    def is_working(self, day: datetime.date) -> bool:
        works = self.working.get(day)
        if works is None:
            works = self.working[day] = self.calendar.is_working_day(day)
        return works

    def aware(self, moment: datetime.datetime) -> datetime.datetime:
        return moment.replace(tzinfo=self.zone)

    def local(self, moment: datetime.datetime) -> datetime.datetime:
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def office_seconds(self, moment: datetime.datetime) -> int:
        """Office seconds of working days from ``first`` up to ``moment`` (local naive)."""
        day = moment.date()
        base = self.prefix.get(day)
        if base is None:
            raise ValueError(f"{day} outside the clock's range")
        if not self.working[day]:
            return base
        seconds = (moment.hour - self.open_hour) * 3600 + moment.minute * 60 + moment.second
        return base + max(0, min(seconds, (self.close_hour - self.open_hour) * 3600))

    def working_hours(self, start: datetime.datetime, end: datetime.datetime) -> Decimal:
        """Same as ``deadlines.working_hours_between`` for local naive moments in whole seconds."""
        if end <= start:
            return Decimal("0")
        seconds = self.office_seconds(end) - self.office_seconds(start)
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))

    def due(self, start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
        """``compute_due`` in local naive time; working and calendar days cached by day."""
        if unit == WH:
            return self.add_working_hours(start, amount)
        if unit == CD:
            return start + datetime.timedelta(days=amount)
        key = (start.date(), amount, unit)
        due = self.due_cache.get(key)
        if due is None:
            due = self.due_cache[key] = self.local(
                deadlines.compute_due(self.aware(start), amount, unit, self.calendar)
            )
        return due

    def add_working_hours(self, start: datetime.datetime, hours: int) -> datetime.datetime:
        """``deadlines.add_working_hours`` in local naive time (the zone has no daylight saving)."""
        remaining = datetime.timedelta(hours=hours)
        moment = start
        day = start.date()
        while True:
            if self.is_working(day):
                opening = datetime.datetime.combine(day, datetime.time(self.open_hour))
                closing = datetime.datetime.combine(day, datetime.time(self.close_hour))
                begin = max(moment, opening)
                if begin < closing:
                    available = closing - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += ONE_DAY
            moment = datetime.datetime.combine(day, datetime.time.min)

    def in_office(self, moment: datetime.datetime) -> bool:
        return self.is_working(moment.date()) and self.open_hour <= moment.hour < self.close_hour

    def next_office(self, moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
        """``moment`` if in office hours, else a few minutes after the next opening."""
        if self.in_office(moment):
            return moment
        day = moment.date()
        if moment.hour >= self.close_hour or not self.is_working(day):
            day += ONE_DAY
        while not self.is_working(day):
            day += ONE_DAY
        opening = datetime.datetime.combine(day, datetime.time(self.open_hour))
        return max(opening, moment) + datetime.timedelta(minutes=rng.randint(3, 50))

    def office_moment_before(
        self, moment: datetime.datetime, floor: datetime.datetime, rng: random.Random
    ) -> datetime.datetime:
        """``moment`` if in office hours, else a moment in the office hours of the last working day
        before it (but after ``floor``); if there is none, the next opening after ``moment``."""
        if self.in_office(moment):
            return moment
        day = moment.date()
        if moment.hour < self.open_hour:
            day -= ONE_DAY
        while day >= floor.date():
            if self.is_working(day):
                close = datetime.datetime.combine(day, datetime.time(self.close_hour))
                candidate = min(close, moment) - datetime.timedelta(minutes=rng.randint(5, 120))
                opening = datetime.datetime.combine(day, datetime.time(self.open_hour))
                candidate = max(candidate, opening)
                if candidate > floor:
                    return candidate
                break
            day -= ONE_DAY
        return self.next_office(moment, rng)


def cumulative(weights: list[float]) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def pick(rng: random.Random, items: list, cumulative_weights: list[float]):
    return items[bisect.bisect_right(cumulative_weights, rng.random() * cumulative_weights[-1])]


SOURCE_PICKS = {
    works: ([source for source, _ in table], cumulative([weight for _, weight in table]))
    for works, table in ((True, SOURCES_WORKDAY), (False, SOURCES_HOLIDAY))
}
HOURS = list(range(24))
HOUR_CUMULATIVE = cumulative(EVENING_HOURS)
