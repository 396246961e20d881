"""What each service figure counts: the one definition shared by the figures, their drill-down lists and the API.

Figures over a period ``[start, end)`` (aware datetimes), following DOMAIN.md:

- ``received``  受理量: requests reported in the period and accepted (not 不予受理, not still waiting);
- ``resolved``  办结量: requests whose 办结 falls in the period (a reopened request is no longer resolved);
- ``on_time``   按时办结: resolved in the period, by the deadline;
- ``early``     提前办结: resolved in the period at least ``margin`` before the deadline;
- ``rated``     rated requests among those resolved in the period;
- ``satisfied`` 满意: rated, and the rating is not a 差评;
- ``overdue``   overdue now: open (not 挂起) and past the deadline at ``now``.

Rates: 按时办结率 = on_time / resolved, 提前办结率 = early / resolved, 满意率 = satisfied / rated.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from dangjian.service.choices import OPEN_STATES, RequestState

FIGURES = ("received", "resolved", "on_time", "early", "rated", "satisfied", "overdue")


def early_margin() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.SERVICE_EARLY_MARGIN_HOURS)


def figure_q(
    figure: str,
    *,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
    margin: datetime.timedelta | None = None,
) -> Q:
    """The requests behind one figure (period bounds optional: None means open-ended)."""
    if figure == "overdue":
        return Q(
            state__in=[s for s in OPEN_STATES if s != RequestState.SUSPENDED],
            due_at__lt=now or timezone.now(),
        )
    if figure == "received":
        return _period("created_at", start, end) & Q(accepted_at__isnull=False)
    resolved = _period("resolved_at", start, end) & Q(resolved_at__isnull=False)
    if figure == "resolved":
        return resolved
    if figure == "on_time":
        return resolved & Q(resolved_at__lte=F("due_at"))
    if figure == "early":
        return resolved & Q(resolved_at__lte=F("due_at") - (margin if margin is not None else early_margin()))
    if figure == "rated":
        return resolved & Q(rating_is_bad__isnull=False)
    if figure == "satisfied":
        return resolved & Q(rating_is_bad=False)
    raise ValueError(f"unknown figure {figure!r}")


def _period(field: str, start, end) -> Q:
    query = Q()
    if start is not None:
        query &= Q(**{f"{field}__gte": start})
    if end is not None:
        query &= Q(**{f"{field}__lt": end})
    return query
