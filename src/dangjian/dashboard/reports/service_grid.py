"""Service figures by grid and month: for a street or a community and a year, 受理量, 办结量,
按时办结率 and 满意率 of every grid in every month.

The numbers are the figures store's (``service.received`` …): each cell is what
``registry["figures"][key].compute(grid, Period.month(year, month))`` answers, picked from counts
that ``service.figures.node_month_figures`` groups by grid and month in two queries, so a street
of 60 grids costs what a community of three does (a compute per cell would be 12 × grids × 4
calls of several queries each).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.service.figures import Figures, Scope, node_month_figures

VIEW = "service.view_servicerequest"
AREA_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY)
# The figures of each cell, in the order the table shows them.
KEYS = ["service.received", "service.resolved", "service.on_time_rate", "service.satisfaction_rate"]
RATES = {"service.on_time_rate", "service.satisfaction_rate"}


@dataclass
class GridLine:
    """A grid (or the requests placed on the area above any grid) with its figures per month."""

    label: str
    node: Area | None
    months: list[list]  # per month, one value per KEYS
    total: list


@dataclass
class ServiceGrid:
    area: Area
    year: int
    months: list[datetime.date]
    labels: list
    lines: list[GridLine] = field(default_factory=list)
    total: GridLine | None = None


def shown(key: str, value) -> str:
    """A figure as the table shows it: rates as percentages, a rate of nothing as "—"."""
    if value is None:
        return "—"
    if key in RATES:
        return f"{value * 100:.1f}%"
    return str(value)


def _values(counts: Figures) -> list:
    return [get_figure(key).pick(counts) for key in KEYS]


def service_grid(area: Area, year: int) -> ServiceGrid:
    """The grid × month table of ``area`` over ``year`` (three queries: grids and two grouped counts)."""
    period = Period.year(year)
    months = period.months()
    grids = list(
        Area.objects.filter(path__startswith=area.path, kind=AreaKind.GRID)
        .only("id", "name", "path", "depth")
        .order_by("path")
    )
    report = ServiceGrid(area, year, months, [get_figure(key).label for key in KEYS])
    # No grids drawn yet: one line for the area itself, from the same grouped counts.
    cells = node_month_figures(Scope.for_node(area), period, grids or [area])
    grid_paths = {grid.path for grid in grids}
    by_path: dict[str, dict[datetime.date, Figures]] = {}
    outside: dict[datetime.date, Figures] = {}
    for (path, month), counts in cells.items():
        target = by_path.setdefault(path, {}) if path in grid_paths or not grids else outside
        target.setdefault(month, Figures()).add(counts)

    def line(label: str, node, per_month: dict[datetime.date, Figures]) -> GridLine:
        total = Figures()
        values = []
        for month in months:
            counts = per_month.get(month, Figures())
            total.add(counts)
            values.append(_values(counts))
        return GridLine(label, node, values, _values(total))

    all_months: dict[datetime.date, Figures] = {}
    for per_month in [*by_path.values(), outside]:
        for month, counts in per_month.items():
            all_months.setdefault(month, Figures()).add(counts)
    if grids:
        report.lines = [line(grid.name, grid, by_path.get(grid.path, {})) for grid in grids]
        if outside:
            report.lines.append(line(str(_("Not placed in a grid")), None, outside))
    else:
        report.lines = [line(area.name, area, by_path.get(area.path, {}))]
    report.total = line(str(_("Total")), area, all_months)
    return report


@dataclass
class Matrix:
    """One figure as a table: a row per grid (and the total), a column per month and the year."""

    key: str
    label: object
    rows: list[tuple[str, list[str], str]]


def matrices(report: ServiceGrid) -> list[Matrix]:
    """The report as one grid × month table per figure, values as the page shows them."""
    result = []
    for index, (key, label) in enumerate(zip(KEYS, report.labels, strict=True)):
        rows = [
            (line.label, [shown(key, values[index]) for values in line.months], shown(key, line.total[index]))
            for line in [*report.lines, report.total]
        ]
        result.append(Matrix(key, label, rows))
    return result
