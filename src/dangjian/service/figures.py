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
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from dangjian.core.tree import PATH_ALPHABET, PATH_STEP
from dangjian.orgs.models import Area, Organization
from dangjian.service.models import Category, FigureRollup, ServiceRequest
from dangjian.service.selectors import early_margin, figure_q

AREA_TREE = "area"
ORG_TREE = "org"
# The rollup keeps the area path cut to this length: district → street → community.
ROLLUP_AREA_LENGTH = 3 * PATH_STEP


def prefix_q(field: str, prefix: str) -> Q:
    """Paths starting with ``prefix`` as a range, which a plain b-tree index serves under any
    collation (``LIKE 'x%'`` uses one only under the C collation on PostgreSQL)."""
    upper = _next_path(prefix)
    query = Q(**{f"{field}__gte": prefix})
    return query & Q(**{f"{field}__lt": upper}) if upper else query


def _next_path(path: str) -> str:
    """The smallest path of the same length after every path starting with ``path``."""
    chars = list(path)
    for index in range(len(chars) - 1, -1, -1):
        position = PATH_ALPHABET.find(chars[index])
        if 0 <= position < len(PATH_ALPHABET) - 1:
            chars[index] = PATH_ALPHABET[position + 1]
            return "".join(chars[: index + 1])
    return ""


@dataclass(frozen=True)
class Scope:
    """Which requests: a node of the area tree (by ``area_path``) or of the org tree (by
    ``org_path``, the responsible organization), and optionally a category subtree."""

    tree: str
    node: Area | Organization
    category: Category | None = None

    @classmethod
    def for_node(cls, node: Area | Organization, category: Category | None = None) -> Scope:
        return cls(AREA_TREE if isinstance(node, Area) else ORG_TREE, node, category)

    @property
    def path_field(self) -> str:
        return "area_path" if self.tree == AREA_TREE else "org_path"

    def q(self) -> Q:
        query = prefix_q(self.path_field, self.node.path)
        if self.category is not None:
            query &= prefix_q("category_path", self.category.path)
        return query

    def with_node(self, node: Area | Organization) -> Scope:
        return Scope(self.tree, node, self.category)

    def with_category(self, category: Category | None) -> Scope:
        return Scope(self.tree, self.node, category)


@dataclass(frozen=True)
class Period:
    """Local dates ``[start, end)``."""

    start: datetime.date
    end: datetime.date

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(self.end, datetime.time.min, tzinfo=zone),
        )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = datetime.date(year + (month == 12), month % 12 + 1, 1)
        return cls(datetime.date(year, month, 1), following)

    def months(self) -> list[datetime.date]:
        """First days of the months the period touches."""
        result, day = [], self.start.replace(day=1)
        while day < self.end:
            result.append(day)
            day = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
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
    return (item.get("child"), item.get("cat"), _month_of(item.get("month")))


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


def _request_cells(
    scope: Scope, period: Period, keys, monthly: bool, margin, cells, parts: frozenset[str] = ALL_PARTS
) -> None:
    """Add the counts of the requests themselves over ``period`` (two aggregate queries)."""
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
        **_resolved_sums(margin, start=start, end=end)
    ):
        cell = cells[_key(item)]
        cell.resolved += item["n"]
        for name in RESOLVED_COUNTS:
            setattr(cell, name, getattr(cell, name) + item[name])
        cell.hours_sum += Decimal(item["hours_sum"] or 0)


# The figures counted among resolved requests by their ``figure_q`` definitions.
RESOLVED_FIGURES = ("on_time", "early", "rated", "satisfied")
# What a resolved request adds to a cell besides 办结量 and the hours' sum.
RESOLVED_COUNTS = (*RESOLVED_FIGURES, "hours_count")


def _resolved_sums(margin: datetime.timedelta, **window: Any) -> dict[str, Any]:
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


def _month_of(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


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

ROLLUP_COUNTS = ("received", "resolved", "on_time", "early", "rated", "satisfied", "hours_sum", "hours_count")
Contribution = dict[tuple, dict[str, Any]]


def contribution(request_obj: ServiceRequest, margin: datetime.timedelta | None = None) -> Contribution:
    """What one request adds to the rollup: its 受理 in the month it was reported, its 办结 (with
    on time, early, rating and hours) in the month it was resolved — as ``figure_q`` counts them."""
    margin = margin if margin is not None else early_margin()
    place = (request_obj.area_path[:ROLLUP_AREA_LENGTH], request_obj.org_path, request_obj.category_path)
    result: Contribution = {}
    if request_obj.accepted_at is not None:
        result.setdefault((_month_of(request_obj.created_at), *place), {})["received"] = 1
    resolved_at = request_obj.resolved_at
    if resolved_at is not None:
        counts = result.setdefault((_month_of(resolved_at), *place), {})
        counts["resolved"] = 1
        counts["on_time"] = int(resolved_at <= request_obj.due_at)
        counts["early"] = int(resolved_at <= request_obj.due_at - margin)
        counts["rated"] = int(request_obj.rating_is_bad is not None)
        counts["satisfied"] = int(request_obj.rating_is_bad is False)
        hours = request_obj.handling_working_hours
        counts["hours_sum"] = Decimal(hours) if hours is not None else Decimal(0)
        counts["hours_count"] = int(hours is not None)
    return result


def update_rollup(before: Contribution | None, request_obj: ServiceRequest | None) -> None:
    """The one hook: after a request was created or changed, move the rollup from the request's
    contribution ``before`` (``contribution()`` taken before the change; None for a new request)
    to its contribution now. Call it inside the change's transaction."""
    after = contribution(request_obj) if request_obj is not None else {}
    before = before or {}
    hours = int(early_margin().total_seconds() // 3600)
    for key in set(before) | set(after):
        delta = {}
        for name in ROLLUP_COUNTS:
            change = after.get(key, {}).get(name, 0) - before.get(key, {}).get(name, 0)
            if change:
                delta[name] = change
        if not delta:
            continue
        month, area_path, org_path, category_path = key
        row = FigureRollup.objects.filter(
            month=month, area_path=area_path, org_path=org_path, category_path=category_path
        )
        increments = {name: F(name) + change for name, change in delta.items()}
        if row.update(**increments):
            continue
        try:
            with transaction.atomic():
                FigureRollup.objects.create(
                    month=month,
                    area_path=area_path,
                    org_path=org_path,
                    category_path=category_path,
                    early_margin_hours=hours,
                    **delta,
                )
        except IntegrityError:  # created by a concurrent change meanwhile
            row.update(**increments)


def recompute_rollup() -> dict[tuple, dict[str, Any]]:
    """The rollup as the requests give it now (what ``rebuild`` writes and the tests compare)."""
    margin = early_margin()
    rows: dict[tuple, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(ROLLUP_COUNTS, 0))
    place = {
        "rollup_area": Substr("area_path", 1, ROLLUP_AREA_LENGTH),
        "rollup_org": F("org_path"),
        "rollup_cat": F("category_path"),
    }
    requests = ServiceRequest.objects.order_by()
    received = requests.filter(figure_q("received"))
    for item in received.values(month=TruncMonth("created_at"), **place).annotate(n=Count("id")):
        rows[(_month_of(item["month"]), item["rollup_area"], item["rollup_org"], item["rollup_cat"])][
            "received"
        ] += item["n"]

    resolved = requests.filter(figure_q("resolved"))
    for item in resolved.values(month=TruncMonth("resolved_at"), **place).annotate(**_resolved_sums(margin)):
        row = rows[(_month_of(item["month"]), item["rollup_area"], item["rollup_org"], item["rollup_cat"])]
        row["resolved"] += item["n"]
        for name in RESOLVED_COUNTS:
            row[name] += item[name]
        row["hours_sum"] += Decimal(item["hours_sum"] or 0)
    return dict(rows)


def stored_rollup() -> dict[tuple, dict[str, Any]]:
    """The rollup table as it is, without its all-zero rows (a request that moved away leaves one)."""
    result = {}
    for row in FigureRollup.objects.all():
        counts = {name: getattr(row, name) for name in ROLLUP_COUNTS}
        if any(counts.values()):
            result[(row.month, row.area_path, row.org_path, row.category_path)] = counts
    return result


@transaction.atomic
def rebuild_rollup() -> int:
    """Replace the rollup by a recomputation from the requests (after an import, a bulk load, a
    change of the 提前 margin or a move in the trees). Returns the number of rows written."""
    hours = int(early_margin().total_seconds() // 3600)
    FigureRollup.objects.all().delete()
    objects = [
        FigureRollup(
            month=month,
            area_path=area_path,
            org_path=org_path,
            category_path=category_path,
            early_margin_hours=hours,
            **counts,
        )
        for (month, area_path, org_path, category_path), counts in recompute_rollup().items()
    ]
    FigureRollup.objects.bulk_create(objects, batch_size=2000)
    return len(objects)
