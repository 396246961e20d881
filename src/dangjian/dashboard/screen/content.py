"""What the big screen (数据大屏) shows, read only from the registry's ``figures`` store.

The screen knows figure keys, never the apps behind them: a figure that is not registered (the
evaluation and 示范点 figures until those apps land) or that the user may not read over the node
is left out, and a headline sentence missing one of its figures is skipped. Every number keeps
its scope, its period and the link to the records it counts (DESIGN.md principle 3).

Values are computed through ``orgs.snapshot.compute_key_figures`` (figures sharing one ``counts``
computation, the service figures, compute it once) in groups (``value_groups``: the period's
figures, the counts "now", the trends), each kept in a ``ScreenSnapshot`` row that the worker
recomputes while someone watches the screen (``snapshots``): a poll reads rows, never aggregates
a year of records. Values are the node's, whoever asks: two users looking at the same node share
one computation, and each reads only the figures their permissions allow.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import AREA_TREE, ORG_TREE, Figure, registry
from dangjian.core.scoping import has_perm_over, parse_id, scope_of
from dangjian.core.tree import PATH_STEP
from dangjian.core.workbench import CACHE_SECONDS
from dangjian.dashboard.screen import snapshots
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.orgs.snapshot import compute_key_figures

# The figures of the screen, in the order their cards show; the headline sentences below pick
# from them. Figures counted "now" whatever the period (people in post, grids) are marked so
# the card says "now" instead of the year.
GRID_KEYS = (
    "orgs.grids",
    "members.grid_workers",
    "members.grid_workers_members",
    "members.grid_worker_member_share",
)
SERVICE_KEYS = ("service.received", "service.on_time_rate", "service.satisfaction_rate")
EARLY_KEYS = ("service.early_rate",)
ACTIVITY_KEYS = ("activities.activities_held",)
VOLUNTEER_KEYS = ("volunteering.volunteers", "activities.hours")
STAR_KEYS = tuple(f"evaluation.stars_{stars}" for stars in (5, 4, 3, 2, 1))
DEMONSTRATION_KEYS = ("demonstration.designated",)
SCREEN_KEYS = (
    *GRID_KEYS,
    *SERVICE_KEYS,
    *EARLY_KEYS,
    *ACTIVITY_KEYS,
    *VOLUNTEER_KEYS,
    *STAR_KEYS,
    *DEMONSTRATION_KEYS,
)
NOW_KEYS = frozenset({*GRID_KEYS, "volunteering.volunteers", "demonstration.designated"})
RATIO_SUFFIXES = ("_rate", "_share")

# The monthly trends: (key, chart, axis). ``axis`` "rate" is drawn as a line on the right axis.
TREND_KEYS = (
    ("service.received", "service", "count"),
    ("service.on_time_rate", "service", "rate"),
    ("activities.activities_held", "activities", "count"),
    ("activities.hours", "activities", "hours"),
)
TREND_MONTHS = 12
# A month's counts change slowly and the twelve months cost as much as every headline figure
# together: the trends are kept ten minutes (the current month's bar may lag that long), the
# headline figures one minute (``core.workbench.CACHE_SECONDS``).
TREND_SECONDS = 600
CHILDREN_LIMIT = 200
FIRST_YEAR = 2000

TREES = {ORG_TREE: Organization, AREA_TREE: Area}


class BadInput(ValueError):
    """A parameter the screen cannot use (a year out of range, an unknown tree): 400."""


@dataclass(frozen=True)
class Shown:
    """One figure as the screen shows it."""

    key: str
    figure: Figure
    value: Any
    url: str
    dated: bool

    @property
    def shown(self) -> str:
        return shown_value(self.key, self.value)


def shown_value(key: str, value: Any) -> str:
    """A value as text: a ratio as a percentage to 0.1 (``57%``, ``99.5%``), "—" for none."""
    if value is None:
        return "—"
    if key.endswith(RATIO_SUFFIXES):
        percent = f"{Decimal(str(value)) * 100:.1f}".removesuffix(".0")
        return f"{percent}%"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def sentence_value(key: str, value: Any) -> str:
    """A value as the source documents' sentences write it: a ratio as a whole percentage (占57%,
    满意度100%), except that a ratio short of 100% (or above 0%) is never rounded to 100% (0%):
    it keeps its decimal (99.6%); other values as the cards show them."""
    if value is None or not key.endswith(RATIO_SUFFIXES):
        return shown_value(key, value)
    percent = Decimal(str(value)) * 100
    whole = percent.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if whole == 100 and percent < 100:
        text = shown_value(key, value)
        return ">99.9%" if text == "100%" else text
    if whole == 0 and percent > 0:
        text = shown_value(key, value)
        return "<0.1%" if text == "0%" else text
    return f"{whole}%"


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


# --- which figures, which node --------------------------------------------------------------


def screen_figures() -> list[tuple[str, Figure]]:
    """The screen's figures that are registered, in the screen's order."""
    store = registry["figures"]
    return [(key, store[key]) for key in SCREEN_KEYS if key in store]


def tree_of(node) -> str:
    return AREA_TREE if isinstance(node, Area) else ORG_TREE


def may_read(user, figure: Figure, node) -> bool:
    """Whether ``user`` may read ``figure`` over ``node``: the figure's permission held over the
    node's place in the trees (any role over it, for a figure without a permission)."""
    if tree_of(node) not in figure.trees:
        return False
    if figure.permission:
        return has_perm_over(user, figure.permission, node)
    org_path, area_path = node.audit_scope_paths()
    scope = scope_of(user)
    if scope.is_global:
        return True
    return any(
        (grant.tree == ORG_TREE and org_path and org_path.startswith(grant.path))
        or (grant.tree == AREA_TREE and area_path and area_path.startswith(grant.path))
        for grant in scope.grants
    )


def may_use_screen(user) -> bool:
    """Whether the user may read at least one of the screen's figures somewhere (the menu's and
    the page's condition)."""
    scope = scope_of(user)
    if scope.is_global:
        return True
    return any(_grant_reads(grant, figure) for grant in scope.grants for _key, figure in screen_figures())


def _grant_reads(grant, figure: Figure) -> bool:
    return grant.tree in figure.trees and (not figure.permission or figure.permission in grant.permissions)


def _lookup(tree: str, **filters):
    model = TREES[tree]
    queryset = model.objects.filter(is_active=True, **filters)
    if model is Organization:
        queryset = queryset.select_related("jurisdiction")
    return queryset.order_by("path").first()


def default_node(user):
    """The widest node the user may read a screen figure over: the first root of the
    organization tree for a system-wide role, else the shortest path among the grants that
    carry one of the figures' permissions (an organization before an area at the same depth).
    None when there is none."""
    scope = scope_of(user)
    if scope.is_global:
        return _lookup(ORG_TREE, depth=1) or _lookup(AREA_TREE, depth=1)
    figures = [figure for _key, figure in screen_figures()]
    grants = sorted(
        (grant for grant in scope.grants if any(_grant_reads(grant, figure) for figure in figures)),
        key=lambda grant: (len(grant.path), grant.tree != ORG_TREE, grant.path),
    )
    for grant in grants:
        node = _lookup(grant.tree, path=grant.path)
        if node is not None and readable_figures(user, node):
            return node
    return None


def resolve_node(user, node_id: str | None, tree: str | None):
    """The node ``?node=&tree=`` names, or the user's default. Unknown, inactive and out-of-scope
    nodes (no screen figure readable over them) are all 404; an unknown tree is bad input."""
    tree = tree or ORG_TREE
    if tree not in TREES:
        raise BadInput(gettext("Choose the organization tree or the area tree."))
    if node_id in (None, ""):
        node = default_node(user)
        if node is None:
            raise Http404(gettext("No figure of the big screen is open to you anywhere."))
        return node
    pk = parse_id(node_id)
    node = _lookup(tree, pk=pk) if pk is not None else None
    if node is None or not readable_figures(user, node):
        raise Http404(gettext("This organization or area does not exist or is outside your scope."))
    return node


def readable_figures(user, node) -> list[tuple[str, Figure]]:
    return [(key, figure) for key, figure in screen_figures() if may_read(user, figure, node)]


def parse_year(value: str | None, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    if value in (None, ""):
        return today.year
    try:
        year = int(value)
    except (TypeError, ValueError, OverflowError):
        year = 0
    if not FIRST_YEAR <= year <= today.year:
        raise BadInput(
            gettext("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": today.year}
        )
    return year


# --- the numbers ----------------------------------------------------------------------------


def _digest(keys: list[str]) -> str:
    return hashlib.sha256(",".join(keys).encode()).hexdigest()[:16]


def value_groups(node, period: Period, keys: list[str]) -> list[tuple[str, list[str], int]]:
    """``(cache key, figure keys, seconds kept)`` of the two groups of headline values: the
    figures of the period (requests, activities, hours), kept ``core.workbench.CACHE_SECONDS``,
    and those counted "now" (grids, people in post, volunteers), which change slowly and are kept
    ``TREND_SECONDS``. (``core.workbench.cached`` prefixes the cache keys with ``workbench:``.)"""
    dated = [key for key in keys if key not in NOW_KEYS]
    now = [key for key in keys if key in NOW_KEYS]
    base = f"screen:{tree_of(node)}:{node.pk}:{node.path}:{period.start}:{period.end}"
    return [
        (f"{base}:{_digest(group)}", group, seconds)
        for group, seconds in ((dated, CACHE_SECONDS), (now, TREND_SECONDS))
        if group
    ]


def _values(node, period: Period, keys: list[str]) -> tuple[dict[str, Any], Any]:
    """``(values, when the oldest of them was computed)`` of ``keys`` for ``node`` and ``period``,
    kept per group (``value_groups``) in a snapshot the worker refreshes (``snapshots.kept``)."""
    values: dict[str, Any] = {}
    oldest = timezone.now()
    for cache_key, group, _seconds in value_groups(node, period, keys):
        computed, at = snapshots.kept(
            cache_key,
            snapshots.VALUES,
            tree_of(node),
            node,
            period,
            group,
            lambda group=group: compute_key_figures(node, period, group),
        )
        values.update(computed)
        oldest = min(oldest, at)
    return values, oldest


def trend_months(period: Period, today: datetime.date | None = None) -> list[Period]:
    """The last ``TREND_MONTHS`` months ending with the period's last month (or this month)."""
    today = today or timezone.localdate()
    last = min(period.last_day, today)
    year, month = last.year, last.month
    months = []
    for _ in range(TREND_MONTHS):
        months.append(Period.month(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def months_of(period: Period) -> list[Period]:
    """The months of a period of whole months (the span of the trends), in order."""
    return [Period.month(day.year, day.month) for day in period.months()]


def compute_series(node, months: list[Period], keys: list[str]) -> dict[str, list[Any]]:
    """The monthly values of ``keys``: from a figure's ``series`` when it has one (one grouped
    query; figures sharing ``series_counts`` compute it once), else month by month."""
    result: dict[str, list[Any]] = {}
    shared: dict[Any, list[Any]] = {}
    by_month: list[str] = []
    for key in keys:
        figure = registry["figures"][key]
        series_counts = getattr(figure, "series_counts", None)
        if series_counts is not None:  # the service figures: one pass for all of them
            if series_counts not in shared:
                shared[series_counts] = series_counts(node, months)
            result[key] = [figure.pick(counts) for counts in shared[series_counts]]
        elif figure.series is not None:
            result[key] = list(figure.series(node, months))
        else:
            by_month.append(key)
    if by_month:
        rows = [compute_key_figures(node, month, by_month) for month in months]
        for key in by_month:
            result[key] = [row.get(key) for row in rows]
    return result


def _series(node, months: list[Period], keys: list[str]) -> dict[str, list[Any]]:
    """``compute_series``, kept in a snapshot the worker refreshes every ten minutes."""
    span = Period(months[0].start, months[-1].end)
    value, _at = snapshots.kept(
        f"screen-series:{tree_of(node)}:{node.pk}:{node.path}:{span.start}:{span.end}:{_digest(keys)}",
        snapshots.SERIES,
        tree_of(node),
        node,
        span,
        keys,
        lambda: compute_series(node, months, keys),
    )
    return value


def scope_word(node) -> str:
    """How the sentences name the node: 全区, 全街道, 全社区 for a whole area (an organization's
    jurisdiction), else the node's name."""
    area = node if isinstance(node, Area) else (node.jurisdiction if node.jurisdiction_id else None)
    words = {
        AreaKind.DISTRICT: pgettext_lazy("big screen sentence", "The whole district"),
        AreaKind.STREET: pgettext_lazy("big screen sentence", "The whole street"),
        AreaKind.COMMUNITY: pgettext_lazy("big screen sentence", "The whole community"),
    }
    if area is not None and area.kind in words:
        return str(words[area.kind])
    return node.name


def _link(item: Shown) -> str:
    return format_html(
        '<a class="dj-screen-number" href="{}" title="{}">{}</a>',
        item.url,
        f"{item.figure.label}: {item.shown}",
        sentence_value(item.key, item.value),
    )


# (key, {placeholder: figure key}, text): the source documents' sentences, each placeholder a
# figure shown as a link to its records.
SENTENCES = (
    (
        "grids",
        {
            "grids": "orgs.grids",
            "workers": "members.grid_workers",
            "members": "members.grid_workers_members",
            "share": "members.grid_worker_member_share",
        },
        gettext_lazy(
            "%(scope)s is divided into %(grids)s grids, with a team of %(workers)s grid workers, of whom "
            "%(members)s are party members, %(share)s."
        ),
    ),
    (
        "service",
        {
            "received": "service.received",
            "on_time": "service.on_time_rate",
            "satisfaction": "service.satisfaction_rate",
        },
        gettext_lazy(
            "%(received)s requests received in total, on-time resolution rate %(on_time)s, residents' "
            "satisfaction %(satisfaction)s."
        ),
    ),
    ("early", {"early": "service.early_rate"}, gettext_lazy("Early resolution rate %(early)s.")),
    (
        "activities",
        {"activities": "activities.activities_held"},
        gettext_lazy("%(activities)s convenience service activities held."),
    ),
    (
        "volunteers",
        {"volunteers": "volunteering.volunteers", "hours": "activities.hours"},
        gettext_lazy("%(volunteers)s registered volunteers, %(hours)s hours of volunteer service."),
    ),
    (
        "stars",
        {f"stars{stars}": f"evaluation.stars_{stars}" for stars in (5, 4, 3, 2, 1)},
        gettext_lazy(
            "Star rating: %(stars5)s five-star, %(stars4)s four-star, %(stars3)s three-star, %(stars2)s "
            "two-star and %(stars1)s one-star organizations."
        ),
    ),
    (
        "demonstration",
        {"designated": "demonstration.designated"},
        gettext_lazy("%(designated)s demonstration points (示范点) designated."),
    ),
)


def sentences(node, shown: dict[str, Shown]) -> list[dict[str, str]]:
    """The headline sentences in the source documents' form, each number a link to its records;
    a sentence with a figure not shown (not registered, not readable) or a count that cannot be
    computed is skipped."""
    result = []
    for key, names, text in SENTENCES:
        if not all(figure_key in shown for figure_key in names.values()):
            continue
        # A count that cannot be computed (an organization without a jurisdiction has no grids)
        # leaves the sentence out; a rate of nothing is written "—".
        if any(
            shown[figure_key].value is None and not figure_key.endswith(RATIO_SUFFIXES)
            for figure_key in names.values()
        ):
            continue
        # The translated text is ours; the values are escaped links.
        links = {name: _link(shown[figure_key]) for name, figure_key in names.items()}
        template = str(text).replace("{", "{{").replace("}", "}}").replace("%(", "{").replace(")s", "}")
        html = format_html(template, scope=scope_word(node), **links)
        result.append({"key": key, "html": str(html)})
    return result


def period_text(period: Period, dated: bool) -> str:
    if not dated:
        return gettext("now")
    return gettext("Year %(year)s") % {"year": period.start.year} if period.is_year else period.label


def screen_data(user, node, year: int) -> dict[str, Any]:
    """Everything the screen shows for ``node`` and ``year``: the figures the user may read with
    their scope, period and records link, the sentences and the monthly trends."""
    period = Period.year(year)
    readable = readable_figures(user, node)
    values, computed_at = _values(node, period, [key for key, _figure in readable])
    shown = {
        key: Shown(key, figure, values.get(key), figure.records_url(node, period), key not in NOW_KEYS)
        for key, figure in readable
    }
    figures = [
        {
            "key": item.key,
            "label": str(item.figure.label),
            "unit": str(item.figure.unit),
            "description": str(item.figure.description),
            "value": json_value(item.value),
            "shown": item.shown,
            "url": item.url,
            "scope": node.name,
            "period": period_text(period, item.dated),
        }
        for item in shown.values()
    ]
    months = trend_months(period)
    trend_keys = [key for key, _chart, _axis in TREND_KEYS if key in shown]
    series = _series(node, months, trend_keys) if trend_keys else {}
    trends = {
        "months": [f"{month.start:%Y-%m}" for month in months],
        "series": [
            {
                "key": key,
                "label": str(shown[key].figure.label),
                "chart": chart,
                "axis": axis,
                "values": [
                    None if value is None else float(value) * (100 if axis == "rate" else 1)
                    for value in series[key]
                ],
            }
            for key, chart, axis in TREND_KEYS
            if key in series
        ],
    }
    return {
        "node": {"id": node.pk, "name": node.name, "tree": tree_of(node)},
        "year": year,
        "period": period_text(period, True),
        "computed_at": timezone.localtime(computed_at).isoformat(timespec="seconds"),
        "sentences": sentences(node, shown),
        "figures": figures,
        "trends": trends,
    }


def children_of(node) -> list:
    """The active children of the node, to open their screens (one query)."""
    model = type(node)
    return list(
        model.objects.filter(path__startswith=node.path, depth=node.depth + 1, is_active=True)
        .only("pk", "name", "path", "depth")
        .order_by("path")[:CHILDREN_LIMIT]
    )


def parent_of(node, user):
    """The node's parent when the user may read a screen figure over it, else None."""
    if node.depth <= 1:
        return None
    parent = _lookup(tree_of(node), path=node.path[:-PATH_STEP])
    if parent is None or not readable_figures(user, parent):
        return None
    return parent


def map_url(node, user) -> str | None:
    """The service map of the node's area (its grids coloured by a figure), when the user may
    read the service figures there."""
    area = node if isinstance(node, Area) else (node.jurisdiction if node.jurisdiction_id else None)
    figure = registry["figures"].get("service.received")
    if area is None or figure is None or not may_read(user, figure, area):
        return None
    try:
        return f"{reverse('service:map')}?tree=area&node={area.pk}"
    except NoReverseMatch:  # the map belongs to the service app; without it, no link
        return None
