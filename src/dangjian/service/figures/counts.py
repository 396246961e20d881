"""The counts behind the service figures of one scope and period, the rates derived from them,
and the aggregates that count them over resolved requests (one definition for the live figures
and the rollup)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.service.figures.scope import Scope
from dangjian.service.selectors import figure_q


@dataclass
class Figures:
    """The counts behind the figures of one scope and period, and the rates from them."""

    received: int = 0
    resolved: int = 0
    on_time: int = 0
    early: int = 0
    rated: int = 0
    satisfied: int = 0
    overdue: int = 0
    hours_sum: Decimal = Decimal(0)
    hours_count: int = 0

    def add(self, other: Figures) -> None:
        for name in (
            "received",
            "resolved",
            "on_time",
            "early",
            "rated",
            "satisfied",
            "overdue",
            "hours_count",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.hours_sum += other.hours_sum

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def on_time_rate(self) -> float | None:
        """按时办结率 = resolved by the deadline / resolved."""
        return self._rate(self.on_time, self.resolved)

    @property
    def early_rate(self) -> float | None:
        """提前办结率 = resolved at least the margin before the deadline / resolved."""
        return self._rate(self.early, self.resolved)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率 = ratings that are not 差评 / rated."""
        return self._rate(self.satisfied, self.rated)

    @property
    def average_hours(self) -> Decimal | None:
        """Average handling time in working hours of the requests resolved in the period."""
        if not self.hours_count:
            return None
        return (self.hours_sum / self.hours_count).quantize(Decimal("0.1"))

    def value(self, name: str) -> Any:
        """A figure by name, as the map colours by it."""
        return {
            "on_time_rate": self.on_time_rate,
            "early_rate": self.early_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "average_hours": self.average_hours,
        }.get(name, getattr(self, name, None) if name in COUNTS else None)


COUNTS = ("received", "resolved", "on_time", "early", "rated", "satisfied", "overdue")


@dataclass
class Row:
    """One line of a breakdown: a child node, a child category or a month, with its figures."""

    key: Any
    label: str
    figures: Figures
    scope: Scope
    period: Period
    is_self: bool = False  # requests placed on the scope node itself, not in a child


@dataclass
class Report:
    scope: Scope
    period: Period
    margin_hours: float
    total: Figures
    by_child: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    by_month: list[Row] = field(default_factory=list)


RESOLVED_FIGURES = ("on_time", "early", "rated", "satisfied")
# What a resolved request adds to a cell besides 办结量 and the hours' sum.
RESOLVED_COUNTS = (*RESOLVED_FIGURES, "hours_count")


def resolved_sums(margin: datetime.timedelta, **window: Any) -> dict[str, Any]:
    """The aggregates over resolved requests, one definition for the live figures and the rollup:
    办结量 (``n``), the ``RESOLVED_FIGURES``, and the handling hours (sum and count)."""
    sums: dict[str, Any] = {
        "n": Count("id"),
        "hours_sum": Sum("handling_working_hours"),
        "hours_count": Count("handling_working_hours"),
    }
    for name in RESOLVED_FIGURES:
        sums[name] = Count("id", filter=figure_q(name, margin=margin, **window))
    return sums


def month_of(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)
