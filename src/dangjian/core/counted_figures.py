"""Figures read off counts that several figures share (the service figures' ``Figures``, the
三会一课 ``Totals``), so a page that shows many of them computes the counts once.

A ``CountedFigure`` is a ``registry.Figure`` whose ``compute(node, period)`` is
``pick(counts(node, period))``. A page that already holds the counts (the service figures page
with its breakdowns, the compliance page with its units) reads each number through the store
with ``get_figure(key).pick(counts)``: the same definition, at the cost of the one computation
the page makes anyway (DESIGN.md principles 3 and 7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from dangjian.core.periods import Period
from dangjian.core.registry import ORG_TREE, Figure


@dataclass(frozen=True)
class CountedFigure(Figure):
    """A figure whose value is ``pick`` applied to a shared counts object; ``series_counts(node,
    months)``, when given, is the counts of each month at once (shared by the figures' series)."""

    counts: Callable[[Any, Period], Any] | None = None
    pick: Callable[[Any], Any] | None = None
    series_counts: Callable[[Any, list[Period]], list[Any]] | None = None


def counted_figure(
    key: str,
    label: str | Promise,
    unit: str | Promise,
    *,
    counts: Callable[[Any, Period], Any],
    pick: Callable[[Any], Any],
    records_url: Callable[[Any, Period], str],
    trees: tuple[str, ...] = (ORG_TREE,),
    permission: str = "",
    description: str | Promise = "",
    higher_is_better: bool = True,
    series_counts: Callable[[Any, list[Period]], list[Any]] | None = None,
) -> CountedFigure:
    """A ``CountedFigure`` whose ``compute`` is ``pick(counts(node, period))``."""

    def compute(node: Any, period: Period) -> Any:
        return pick(counts(node, period))

    def series(node: Any, periods: list[Period]) -> list[Any]:
        return [pick(item) for item in series_counts(node, periods)]

    return CountedFigure(
        key=key,
        label=label,
        unit=unit,
        compute=compute,
        records_url=records_url,
        trees=trees,
        permission=permission,
        description=description,
        higher_is_better=higher_is_better,
        counts=counts,
        pick=pick,
        series=series if series_counts is not None else None,
        series_counts=series_counts,
    )
