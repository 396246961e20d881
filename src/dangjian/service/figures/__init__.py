"""Service figures (受理量, 办结量, 按时/提前办结率, 满意率, handling time, overdue now) for a scope and a period.

A scope is a subtree of the area tree or of the party-organization tree, optionally narrowed to a
category subtree; a period is ``[start, end)`` in local dates. What each figure counts is
``service.selectors.figure_q``, the same definition the drill-down list uses.

Large scopes read a maintained rollup (``FigureRollup``: month × community × responsible org ×
category), kept equal to the requests by ``update_rollup``, which ``service.services`` calls on
every change; the whole district over a year is then a scan of ~60,000 narrow rows instead of
~200,000 requests (measured in ``bench/seed_figures.py``). A community, a grid, partial months at
the ends of a custom period and 'overdue now' read the requests themselves, through the indexes
on the tree paths and dates. Either way a page costs a fixed number of queries.

The package is split by subject: ``scope`` (which requests), ``counts`` (the counts and rates),
``compute`` (figures with breakdowns), ``rollup`` (its upkeep), ``registry`` (the figures store).
"""

from dangjian.core.periods import Period
from dangjian.service.figures.compute import ALL_PARTS, compute, node_figures, node_month_figures
from dangjian.service.figures.counts import COUNTS, Figures, Report, Row
from dangjian.service.figures.rollup import (
    contribution,
    rebuild_rollup,
    recompute_rollup,
    stored_rollup,
    update_rollup,
)
from dangjian.service.figures.scope import AREA_TREE, ORG_TREE, ROLLUP_AREA_LENGTH, Scope, prefix_q

__all__ = [
    "ALL_PARTS",
    "AREA_TREE",
    "COUNTS",
    "ORG_TREE",
    "ROLLUP_AREA_LENGTH",
    "Figures",
    "Period",
    "Report",
    "Row",
    "Scope",
    "compute",
    "contribution",
    "node_figures",
    "node_month_figures",
    "prefix_q",
    "rebuild_rollup",
    "recompute_rollup",
    "stored_rollup",
    "update_rollup",
]
