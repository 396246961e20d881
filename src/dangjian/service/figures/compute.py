"""Computing the service figures of a scope and period, with breakdowns per child node, child
category and month: whole months of large scopes from the rollup, the rest from the requests."""

from __future__ import annotations

import datetime
from collections import defaultdict
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.planner import parallel_plans
from dangjian.core.tree import PATH_STEP
from dangjian.orgs.models import Area, Organization
from dangjian.service.figures.counts import RESOLVED_COUNTS, Figures, Report, Row, month_of, resolved_sums
from dangjian.service.figures.scope import AREA_TREE, ORG_TREE, ROLLUP_AREA_LENGTH, Scope, prefix_q
from dangjian.service.models import Category, FigureRollup, ServiceRequest
from dangjian.service.selectors import early_margin, figure_q


def _node_model(scope: Scope):
    return Area if scope.tree == AREA_TREE else Organization


ALL_PARTS = frozenset({"received", "resolved", "overdue"})


def _cells(
    scope: Scope,
    period: Period,
    *,
    child_length: int | None,
    category_length: int | None,
    monthly: bool,
    now: datetime.datetime,
    margin: datetime.timedelta,
    rollup: bool = True,
    parts: frozenset[str] = ALL_PARTS,
) -> dict[tuple, Figures]:
    """Figures grouped by (node path prefix, category path prefix, month), a key part None when
    not grouped by it (overdue-now has no month). Whole months of large scopes come from the
    rollup (one query), the rest from the requests (two queries a stretch), overdue-now from the
    requests (one query). ``parts`` limits the work to some of received, resolved (with the
    rates and hours) and overdue."""
    keys: dict[str, Any] = {}
    if child_length:
        keys["child"] = Substr(scope.path_field, 1, child_length)
    if category_length:
        keys["cat"] = Substr("category_path", 1, category_length)
    cells: dict[tuple, Figures] = defaultdict(Figures)
    stretches = [period]
    if not parts & {"received", "resolved"}:
        stretches = []
    elif rollup and _rollup_serves(scope, child_length, margin):
        whole, edges = period.split()
        if whole is not None and _rollup_cells(scope, whole, keys, monthly, margin, cells):
            stretches = edges
        else:
            cells.clear()
    for stretch in stretches:
        _request_cells(scope, stretch, keys, monthly, margin, cells, parts)
    if "overdue" in parts:
        overdue = ServiceRequest.objects.filter(scope.q(), figure_q("overdue", now=now)).order_by()
        for item in _grouped(overdue, keys, None).annotate(n=Count("id")):
            cells[_key(item)].overdue += item["n"]
    return cells


def _grouped(queryset, keys: dict[str, Any], month):
    if isinstance(month, str):  # the rollup's own month column
        return queryset.values(month, **keys)
    months = {"month": month} if month is not None else {}
    if not keys and not months:
        # One group over everything (a constant is not grouped by).
        return queryset.values(constant=Value(1, IntegerField()))
    return queryset.values(**keys, **months)


def _key(item) -> tuple:
    return (item.get("child"), item.get("cat"), month_of(item.get("month")))


def _rollup_serves(scope: Scope, child_length: int | None, margin: datetime.timedelta) -> bool:
    if margin != early_margin():
        return False
    if scope.tree == ORG_TREE:
        return True  # the rollup keeps the whole org path
    return (child_length or len(scope.node.path)) <= ROLLUP_AREA_LENGTH


def _rollup_cells(scope, whole: Period, keys, monthly: bool, margin, cells) -> bool:
    """Add the rollup's counts over whole months; False (and nothing added) when some rows were
    made with another 提前 margin than the current setting (stale until a rebuild)."""
    hours = int(margin.total_seconds() // 3600)
    query = Q(month__gte=whole.start, month__lt=whole.end) & prefix_q(scope.path_field, scope.node.path)
    if scope.category is not None:
        query &= prefix_q("category_path", scope.category.path)
    rows = FigureRollup.objects.filter(query).order_by()
    items = list(
        _grouped(rows, keys, "month" if monthly else None).annotate(
            received_n=Sum("received"),
            resolved_n=Sum("resolved"),
            on_time_n=Sum("on_time"),
            early_n=Sum("early"),
            rated_n=Sum("rated"),
            satisfied_n=Sum("satisfied"),
            hours_sum_n=Sum("hours_sum"),
            hours_count_n=Sum("hours_count"),
            stale=Count("id", filter=~Q(early_margin_hours=hours)),
        )
    )
    if any(item["stale"] for item in items):
        return False
    for item in items:
        cell = cells[_key(item)]
        cell.received += item["received_n"] or 0
        cell.resolved += item["resolved_n"] or 0
        cell.on_time += item["on_time_n"] or 0
        cell.early += item["early_n"] or 0
        cell.rated += item["rated_n"] or 0
        cell.satisfied += item["satisfied_n"] or 0
        cell.hours_sum += Decimal(item["hours_sum_n"] or 0)
        cell.hours_count += item["hours_count_n"] or 0
    return True


# Nodes this deep or shallower (a district is 1, a street 2) count with parallel workers.
WIDE_DEPTH = 2


def _request_cells(
    scope: Scope, period: Period, keys, monthly: bool, margin, cells, parts: frozenset[str] = ALL_PARTS
) -> None:
    """Add the counts of the requests themselves over ``period`` (two aggregate queries).

    Over a street or wider they may use parallel workers: the grid map's first load over a
    year took 155 ms for a street with them and 204 ms without (district data, 2 cores). A
    community's few thousand requests gain nothing from them.
    """
    wide = scope.node.depth <= WIDE_DEPTH
    with parallel_plans() if wide else nullcontext():
        _add_request_cells(scope, period, keys, monthly, margin, cells, parts)


def _add_request_cells(scope: Scope, period: Period, keys, monthly: bool, margin, cells, parts) -> None:
    start, end = period.bounds()
    rows = ServiceRequest.objects.filter(scope.q()).order_by()
    if "received" in parts:
        received = rows.filter(figure_q("received", start=start, end=end))
        for item in _grouped(received, keys, TruncMonth("created_at") if monthly else None).annotate(
            n=Count("id")
        ):
            cells[_key(item)].received += item["n"]
    if "resolved" not in parts:
        return

    resolved = rows.filter(figure_q("resolved", start=start, end=end))
    for item in _grouped(resolved, keys, TruncMonth("resolved_at") if monthly else None).annotate(
        **resolved_sums(margin, start=start, end=end)
    ):
        cell = cells[_key(item)]
        cell.resolved += item["n"]
        for name in RESOLVED_COUNTS:
            setattr(cell, name, getattr(cell, name) + item[name])
        cell.hours_sum += Decimal(item["hours_sum"] or 0)


# The figures counted among resolved requests by their ``figure_q`` definitions.


MONTHLY_PARTS = frozenset({"received", "resolved"})


def monthly(scope: Scope, months: list[Period], *, margin: datetime.timedelta | None = None) -> list[Figures]:
    """The figures of ``scope`` for each of the consecutive ``months`` (received, resolved and the
    rates; overdue-now has no month and stays 0): one pass over their whole span grouped by
    month, from the rollup for whole months of large scopes. The same counts as ``compute``
    month by month, at the cost of one month's queries."""
    if not months:
        return []
    cells = _cells(
        scope,
        Period(months[0].start, months[-1].end),
        child_length=None,
        category_length=None,
        monthly=True,
        now=timezone.now(),
        margin=margin if margin is not None else early_margin(),
        parts=MONTHLY_PARTS,
    )
    by_month: dict[datetime.date, Figures] = defaultdict(Figures)
    for (_child, _cat, month), cell in cells.items():
        if month is not None:
            by_month[month].add(cell)
    return [by_month.get(month.start, Figures()) for month in months]


def compute(
    scope: Scope,
    period: Period,
    *,
    breakdowns: bool = True,
    now: datetime.datetime | None = None,
    margin: datetime.timedelta | None = None,
    rollup: bool = True,
) -> Report:
    """The figures of ``scope`` over ``period``, with breakdowns per child node, child category
    and month. At most eight queries (aggregates, the child nodes, the child categories) at any size."""
    margin = margin if margin is not None else early_margin()
    category_path = scope.category.path if scope.category else ""
    cells = _cells(
        scope,
        period,
        child_length=len(scope.node.path) + PATH_STEP if breakdowns else None,
        category_length=len(category_path) + PATH_STEP if breakdowns else None,
        monthly=breakdowns,
        now=now or timezone.now(),
        margin=margin,
        rollup=rollup,
    )
    total = Figures()
    for cell in cells.values():
        total.add(cell)
    report = Report(scope, period, margin.total_seconds() / 3600, total)
    if not breakdowns:
        return report

    by_child: dict[str, Figures] = defaultdict(Figures)
    by_category: dict[str, Figures] = defaultdict(Figures)
    by_month: dict[datetime.date, Figures] = defaultdict(Figures)
    for (child, cat, month), cell in cells.items():
        by_child[child].add(cell)
        by_category[cat].add(cell)
        if month is not None:
            by_month[month].add(cell)

    children = (
        _node_model(scope)
        .objects.filter(path__startswith=scope.node.path, depth=scope.node.depth + 1)
        .order_by("path")
    )
    if scope.node.path in by_child:
        report.by_child.append(
            Row(scope.node.pk, str(scope.node), by_child[scope.node.path], scope, period, is_self=True)
        )
    for node in children:
        report.by_child.append(
            Row(node.pk, str(node), by_child.get(node.path, Figures()), scope.with_node(node), period)
        )

    categories = Category.objects.filter(depth=(scope.category.depth if scope.category else 0) + 1)
    if scope.category is not None:
        categories = categories.filter(path__startswith=category_path)
    for category in categories.order_by("path"):
        report.by_category.append(
            Row(
                category.pk,
                str(category),
                by_category.get(category.path, Figures()),
                scope.with_category(category),
                period,
            )
        )
    for month in period.months():
        report.by_month.append(
            Row(month, f"{month:%Y-%m}", by_month.get(month, Figures()), scope, period.clip(month))
        )
    return report


def node_figures(
    scope: Scope,
    period: Period,
    nodes: list,
    *,
    now: datetime.datetime | None = None,
    parts: frozenset[str] = ALL_PARTS,
) -> dict[int, Figures]:
    """Figures per node of ``nodes`` (all of one depth, inside ``scope.node``): what the map colours
    grids by. At most three grouped queries whatever the number of nodes (fewer with ``parts``)."""
    if not nodes:
        return {}
    cells = _cells(
        scope,
        period,
        child_length=len(nodes[0].path),
        category_length=None,
        monthly=False,
        now=now or timezone.now(),
        margin=early_margin(),
        parts=parts,
    )
    result = {}
    for node in nodes:
        result[node.pk] = cells.get((node.path, None, None)) or Figures()
    return result


# --- The rollup's upkeep ------------------------------------------------------------------------


def node_month_figures(
    scope: Scope,
    period: Period,
    nodes: list,
    *,
    parts: frozenset[str] = frozenset({"received", "resolved"}),
) -> dict[tuple[str, datetime.date], Figures]:
    """Figures per (node path prefix of ``nodes``' length, month) over ``period``: the report of
    grids × months (``dashboard.reports``). Every key of the result is a path cut to the length
    of ``nodes[0].path`` (or a shorter path: requests placed above that depth), so a caller can
    tell grids from requests placed on the community itself. At most two grouped queries (three
    with the rollup's edges) whatever the number of nodes and months; the same ``_cells`` the
    figures store's ``compute`` reads, so each cell equals ``compute(node, Period.month(…))``."""
    if not nodes:
        return {}
    cells = _cells(
        scope,
        period,
        child_length=len(nodes[0].path),
        category_length=None,
        monthly=True,
        now=timezone.now(),
        margin=early_margin(),
        parts=parts,
    )
    return {(child, month): cell for (child, _cat, month), cell in cells.items() if month is not None}
