"""The one period type every figure is computed over: local dates ``[start, end)``.

Service figures count requests reported in a period, 三会一课 compliance counts meetings owed
and held in a year or a quarter, dues arrears and the pipeline look at a month: all of them take
a ``Period``, so evaluation rounds and dashboards can ask any figure for the same span.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Local dates ``[start, end)``; ``end`` is the first day after the period."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    # Named periods ---------------------------------------------------------------------------

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("A quarter is 1, 2, 3 or 4.")
        start = datetime.date(year, 3 * quarter - 2, 1)
        end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
        return cls(start, end)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = datetime.date(year, month, 1)
        return cls(start, _first_of_next_month(start))

    @classmethod
    def day(cls, day: datetime.date) -> Period:
        return cls(day, day + datetime.timedelta(days=1))

    # What a period is made of -----------------------------------------------------------------

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    @property
    def is_year(self) -> bool:
        return self == Period.year(self.start.year)

    @property
    def quarter_number(self) -> int | None:
        """1–4 when the period is exactly a calendar quarter, else None."""
        if self.start.day != 1 or self.start.month not in (1, 4, 7, 10):
            return None
        number = (self.start.month + 2) // 3
        return number if self == Period.quarter(self.start.year, number) else None

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes in the platform's time zone (Asia/Shanghai by default)."""
        zone = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(self.end, datetime.time.min, tzinfo=zone),
        )

    def months(self) -> list[datetime.date]:
        """First days of the months the period touches."""
        result, day = [], self.start.replace(day=1)
        while day < self.end:
            result.append(day)
            day = _first_of_next_month(day)
        return result

    def split(self) -> tuple[Period | None, list[Period]]:
        """The whole months inside the period, and the partial months at its ends."""
        first = self.start if self.start.day == 1 else Period.month(self.start.year, self.start.month).end
        last = self.end.replace(day=1)
        if first >= last:
            return None, [self]
        edges = [
            edge for edge in (Period(self.start, first), Period(last, self.end)) if edge.start < edge.end
        ]
        return Period(first, last), edges

    def clip(self, month: datetime.date) -> Period:
        """One month of the period, cut to the period's bounds."""
        whole = Period.month(month.year, month.month)
        return Period(max(whole.start, self.start), min(whole.end, self.end))

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day < self.end

    @property
    def label(self) -> str:
        """A short language-neutral label: ``2026``, ``2026 Q2``, ``2026-03`` or the two dates."""
        if self.is_year:
            return f"{self.start.year}"
        if self.quarter_number is not None:
            return f"{self.start.year} Q{self.quarter_number}"
        if self.start.day == 1 and self.end == _first_of_next_month(self.start):
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}–{self.last_day.isoformat()}"

    def query_string(self) -> str:
        """``start=…&end=…`` for a records URL (end exclusive, as everywhere in figures)."""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"
