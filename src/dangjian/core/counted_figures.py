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
    months)``, when given, is the counts of each month at once (shared by the figures' series);
    ``node_counts(root, nodes, period)``, when given, is the counts of each of ``nodes`` (of one
    depth, below ``root``) by pk at a fixed number of queries (a map colours grids by it)."""

    counts: Callable[[Any, Period], Any] | None = None
    pick: Callable[[Any], Any] | None = None
    series_counts: Callable[[Any, list[Period]], list[Any]] | None = None
    node_counts: Callable[[Any, list, Period], dict[int, Any]] | None = None


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
    node_counts: Callable[[Any, list, Period], dict[int, Any]] | None = None,
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
        node_counts=node_counts,
    )


def values_per_node(figure: Figure, root: Any, nodes: list, period: Period) -> dict[int, Any] | None:
    """``figure``'s value for each of ``nodes`` (one depth, below ``root``) by pk, at a fixed number
    of queries; None when the figure cannot count many nodes at once."""
    node_counts = getattr(figure, "node_counts", None)
    if node_counts is None:
        return None
    counts = node_counts(root, nodes, period)
    return {node.pk: figure.pick(counts[node.pk]) for node in nodes if node.pk in counts}
