"""Kept values of the big screen: a poll reads them, the worker recomputes them.

``kept`` answers a group of the screen's values (the headline figures of a period, or twelve
months of trends) from, in order: the process cache (half a minute), the ``ScreenSnapshot`` row
while it is young enough to show (``SERVE_FOR``), else a computation in the request, which writes
the row. ``refresh_screen_snapshots`` (the worker, every minute) recomputes the rows read in the
last ``WATCH_FOR`` once they are older than their kind's freshness, so with a worker running a
poll never computes: it reads one row per group. Without a worker a row ages past ``SERVE_FOR``
and the next poll computes it, as before the snapshot existed (the page says when the values were
computed). Rows nobody read for a day are dropped.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.dashboard.models import ScreenSnapshot

logger = logging.getLogger(__name__)

VALUES = ScreenSnapshot.Kind.VALUES
SERIES = ScreenSnapshot.Kind.SERIES
# How old a kind's values may be before the worker recomputes them (the screen's own promise:
# headline figures within a minute, trends within ten), less the slack of a minute-long job.
FRESH = {VALUES: datetime.timedelta(seconds=50), SERIES: datetime.timedelta(minutes=9, seconds=50)}
# How old a row may be and still be shown; older (no worker running), the request recomputes it.
SERVE_FOR = {VALUES: datetime.timedelta(minutes=5), SERIES: datetime.timedelta(minutes=30)}
# A row read within this is refreshed by the worker; one unread for DROP_AFTER is deleted.
WATCH_FOR = datetime.timedelta(minutes=15)
DROP_AFTER = datetime.timedelta(days=1)
# A poll marks its row as read at most this often (one write a minute per watched group).
READ_MARK_EVERY = datetime.timedelta(minutes=1)
# How long a process keeps a row it read before reading it again.
CACHE_SECONDS = 30


def encode(value: Any) -> Any:
    """JSON of a group's values: a Decimal keeps its digits (a rate shown to 0.1% must not drift)."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"decimal"}:
            return Decimal(value["decimal"])
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def _write(
    key: str, kind: str, tree: str, node, period: Period, figure_keys: list[str], value: Any, at
) -> None:
    """Insert or replace the row of ``key`` in one statement (two requests computing the same
    group at once both succeed; the later write wins, and both values are correct)."""
    ScreenSnapshot.objects.bulk_create(
        [
            ScreenSnapshot(
                key=key,
                kind=kind,
                tree=tree,
                node_id=node.pk,
                period_start=period.start,
                period_end=period.end,
                figure_keys=list(figure_keys),
                payload=encode(value),
                computed_at=at,
                read_at=at,
            )
        ],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["payload", "computed_at", "read_at", "figure_keys"],
    )


def kept(
    key: str,
    kind: str,
    tree: str,
    node,
    period: Period,
    figure_keys: list[str],
    compute: Callable[[], Any],
) -> tuple[Any, datetime.datetime]:
    """``(values, when they were computed)`` of one group of a screen (see the module's text)."""
    cache_key = f"screen-kept:{key}"
    hit = cache.get(cache_key)
    if hit is not None:
        return hit
    now = timezone.now()
    row = ScreenSnapshot.objects.filter(key=key).only("payload", "computed_at", "read_at").first()
    if row is not None and now - row.computed_at < SERVE_FOR[kind]:
        result = (decode(row.payload), row.computed_at)
        if now - row.read_at >= READ_MARK_EVERY:
            ScreenSnapshot.objects.filter(pk=row.pk).update(read_at=now)
    else:
        result = (compute(), now)
        _write(key, kind, tree, node, period, figure_keys, result[0], now)
    cache.set(cache_key, result, CACHE_SECONDS)
    return result


def refresh_screen_snapshots(now: datetime.datetime | None = None) -> int:
    """Recompute the watched rows older than their freshness; drop rows unread for a day and
    those of nodes gone or deactivated. Returns the rows recomputed."""
    from dangjian.dashboard.screen import content

    now = now or timezone.now()
    ScreenSnapshot.objects.filter(read_at__lt=now - DROP_AFTER).delete()
    refreshed = 0
    for row in ScreenSnapshot.objects.filter(read_at__gte=now - WATCH_FOR).order_by("computed_at"):
        model = content.TREES.get(row.tree)
        node = model.objects.filter(pk=row.node_id, is_active=True).first() if model else None
        if node is None:
            row.delete()
            continue
        if now - row.computed_at < FRESH[row.kind]:
            continue
        period = Period(row.period_start, row.period_end)
        keys = [key for key in row.figure_keys if key in content.registry["figures"]]
        if row.kind == VALUES:
            value = content.compute_key_figures(node, period, keys)
        else:
            value = content.compute_series(node, content.months_of(period), keys)
        at = timezone.now()
        ScreenSnapshot.objects.filter(pk=row.pk).update(payload=encode(value), computed_at=at)
        cache.delete(f"screen-kept:{row.key}")
        refreshed += 1
    return refreshed
