"""The service figures in the platform's figures store: 受理量, 办结量, 按时办结率, 提前办结率, 满意率,
average handling time and overdue now, over a node of either tree.

Each is a ``CountedFigure`` over the ``Figures`` counts of ``compute.compute``; its records are
the request list filtered by the same ``selectors.figure_q`` definition (``figure_url``), so the
number and the list behind it cannot drift apart.
"""

from __future__ import annotations

from operator import attrgetter
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy, pgettext_lazy

from dangjian.core.counted_figures import counted_figure
from dangjian.core.periods import Period
from dangjian.core.registry import AREA_TREE as STORE_AREA_TREE
from dangjian.core.registry import ORG_TREE as STORE_ORG_TREE
from dangjian.core.registry import register_figure
from dangjian.service.figures.compute import compute, monthly, node_figures
from dangjian.service.figures.counts import Figures
from dangjian.service.figures.scope import Scope

VIEW = "service.view_servicerequest"

# key -> the ``figure_q`` name whose requests the figure's number counts (a rate links to its
# numerator's requests, the average handling time to the resolved requests it averages).
LIST_FIGURE = {
    "service.received": "received",
    "service.resolved": "resolved",
    "service.on_time_rate": "on_time",
    "service.early_rate": "early",
    "service.satisfaction_rate": "satisfied",
    "service.average_hours": "resolved",
    "service.overdue": "overdue",
}


def _list_base() -> str:
    try:
        return reverse("service:request_list")
    except NoReverseMatch:  # the request list lands with its own helper
        return "/service/requests/"


def figure_url(name: str, scope: Scope, period: Period | None) -> str:
    """The request list behind one ``figure_q`` figure (overdue has no period)."""
    params = {"figure": name}
    if period is not None and name != "overdue":
        params["start"] = f"{period.start:%Y-%m-%d}"
        params["end"] = f"{period.end:%Y-%m-%d}"
    params[scope.tree] = str(scope.node.pk)
    if scope.category is not None:
        params["category"] = str(scope.category.pk)
    return f"{_list_base()}?{urlencode(params)}"


def counts(node, period: Period) -> Figures:
    """The counts of every service figure of ``node``'s subtree in ``period`` (no breakdowns)."""
    return compute(Scope.for_node(node), period, breakdowns=False).total


def grid_counts_of(parts: frozenset[str]):
    """``node_counts`` for figures picking from ``parts`` of the counts only: each of ``nodes``
    (one depth, below ``root``) in ``period``, a map's colours. The map of a district's year
    colours grids by requests received; the resolved requests' sums beside them doubled its
    cost (0.8 s of 1.2 s on the district data)."""

    def grid_counts(root, nodes: list, period: Period) -> dict[int, Figures]:
        return node_figures(Scope.for_node(root), period, nodes, parts=parts)

    return grid_counts


# Which part of the counts each figure picks from (``compute.ALL_PARTS``).
PARTS = {"service.received": frozenset({"received"}), "service.overdue": frozenset({"overdue"})}
RESOLVED_PART = frozenset({"resolved"})


def monthly_counts(node, months: list[Period]) -> list[Figures]:
    """The counts of each month of ``months`` for ``node``'s subtree (trend charts), one pass."""
    return monthly(Scope.for_node(node), months)


# Figures with no month of their own (overdue is "now") have no series.
NO_SERIES = {"service.overdue"}


def _records(key: str):
    def records_url(node, period: Period) -> str:
        return figure_url(LIST_FIGURE[key], Scope.for_node(node), period)

    return records_url


REQUESTS = gettext_lazy("requests")
RATIO = gettext_lazy("ratio (0–1)")

SERVICE_FIGURES = [
    # key, label, unit, pick, higher is better, description
    (
        "service.received",
        pgettext_lazy("service figure", "Received"),
        REQUESTS,
        attrgetter("received"),
        True,
        gettext_lazy("Requests reported in the period and accepted."),
    ),
    (
        "service.resolved",
        pgettext_lazy("service figure", "Resolved"),
        REQUESTS,
        attrgetter("resolved"),
        True,
        gettext_lazy("Requests resolved in the period (a reopened request no longer counts)."),
    ),
    (
        "service.on_time_rate",
        gettext_lazy("On-time resolution rate"),
        RATIO,
        attrgetter("on_time_rate"),
        True,
        gettext_lazy("Resolved by the deadline, among the requests resolved in the period."),
    ),
    (
        "service.early_rate",
        gettext_lazy("Early resolution rate"),
        RATIO,
        attrgetter("early_rate"),
        True,
        gettext_lazy("Resolved at least the set margin before the deadline, among those resolved."),
    ),
    (
        "service.satisfaction_rate",
        gettext_lazy("Satisfaction rate"),
        RATIO,
        attrgetter("satisfaction_rate"),
        True,
        gettext_lazy("Ratings that are not bad, among the rated requests resolved in the period."),
    ),
    (
        "service.average_hours",
        gettext_lazy("Average handling time"),
        gettext_lazy("working hours"),
        attrgetter("average_hours"),
        False,
        gettext_lazy("Average working hours from report to resolution of the requests resolved."),
    ),
    (
        "service.overdue",
        gettext_lazy("Overdue now"),
        REQUESTS,
        attrgetter("overdue"),
        False,
        gettext_lazy("Open requests (not suspended) past their deadline now, whatever the period."),
    ),
]


def register_figures() -> None:
    """Put the service figures in the figures store (called from ``ServiceConfig.ready``)."""
    for key, label, unit, pick, better, description in SERVICE_FIGURES:
        register_figure(
            counted_figure(
                key,
                label,
                unit,
                counts=counts,
                pick=pick,
                records_url=_records(key),
                trees=(STORE_AREA_TREE, STORE_ORG_TREE),
                permission=VIEW,
                description=description,
                higher_is_better=better,
                series_counts=None if key in NO_SERIES else monthly_counts,
                node_counts=grid_counts_of(PARTS.get(key, RESOLVED_PART)),
            )
        )
