"""The key figures snapshot (``KeyFigureSnapshot``): the worker computes the 工作台's key figures
of every street and district organization for the year so far; the card reads them while fresh
and computes live otherwise (orgs/workbench.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import registry
from dangjian.core.workbench import snapshot_is_fresh
from dangjian.orgs.models import KeyFigureSnapshot, Organization


def _encode(value: Any) -> Any:
    """A figure's value as JSON: a Decimal keeps its digits (a rate shown to 0.1% must not drift)."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "decimal" in value:
        return Decimal(value["decimal"])
    return value


def compute_key_figures(root: Organization, period: Period, keys: list[str]) -> dict[str, Any]:
    """The values of the registered figures among ``keys`` for ``root`` and ``period``; figures
    sharing one ``counts`` computation (the service figures, the 三会一课 totals) compute it once."""
    shared: dict[Any, Any] = {}
    values = {}
    for key in keys:
        figure = registry["figures"].get(key)
        if figure is None:
            continue
        counts = getattr(figure, "counts", None)
        if counts is not None:
            if counts not in shared:
                shared[counts] = counts(root, period)
            values[key] = figure.pick(shared[counts])
        else:
            values[key] = figure.compute(root, period)
    return values


def refresh_key_figure_snapshot() -> int:
    """Compute the key figures of every active street and district organization for the running
    year and replace the snapshot; returns the rows written."""
    from dangjian.orgs.workbench import KEY_FIGURES, ROLLUP_KINDS, key_figures_period

    period = key_figures_period()
    keys = [key for key, _dated in KEY_FIGURES]
    now = timezone.now()
    rows = [
        KeyFigureSnapshot(
            org=root,
            period_start=period.start,
            period_end=period.end,
            values={key: _encode(value) for key, value in compute_key_figures(root, period, keys).items()},
            computed_at=now,
        )
        for root in Organization.objects.filter(is_active=True, kind__in=ROLLUP_KINDS).select_related(
            "jurisdiction"
        )
    ]
    with transaction.atomic():
        KeyFigureSnapshot.objects.all().delete()
        KeyFigureSnapshot.objects.bulk_create(rows)
    return len(rows)


def snapshot_key_figures(
    root: Organization, period: Period, keys: list[str]
) -> tuple[dict[str, Any], Any] | None:
    """``(values of keys, computed at)`` from a fresh snapshot of ``root`` and ``period`` holding
    every one of ``keys``, or None. One query."""
    row = (
        KeyFigureSnapshot.objects.filter(org=root, period_start=period.start, period_end=period.end)
        .only("values", "computed_at")
        .first()
    )
    if row is None or not snapshot_is_fresh(row.computed_at) or not set(keys) <= set(row.values):
        return None
    return {key: _decode(row.values[key]) for key in keys}, row.computed_at
