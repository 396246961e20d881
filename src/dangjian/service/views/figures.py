"""Staff pages of the service figures: the figures of a scope and period with breakdowns, their
Excel export, and the grid-and-request map with its GeoJSON data.

Every number links to the request list filtered by the same ``figure_q`` definition
(``?figure=…&start=…&end=…&area=…|org=…&category=…``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from dangjian.core.excel import export_workbook, record_export, text_column
from dangjian.core.excel_views import attachment as attachment_response
from dangjian.core.page_permissions import require_any
from dangjian.core.periods import Period
from dangjian.core.reauth import recent_auth_required
from dangjian.core.registry import get_figure
from dangjian.core.scoping import scope_of
from dangjian.core.validators import ANY_DATES
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.service import figures
from dangjian.service.choices import OPEN_STATES
from dangjian.service.figures.registry import LIST_FIGURE, figure_url
from dangjian.service.models import Category, ServiceRequest

VIEW = "service.view_servicerequest"
POINTS_CAP = 2000

PERIOD_CHOICES = [
    ("this_year", gettext_lazy("This year")),
    ("last_year", gettext_lazy("Last year")),
    ("month", gettext_lazy("One month")),
    ("custom", gettext_lazy("Custom dates")),
]
TREE_CHOICES = [
    (figures.AREA_TREE, gettext_lazy("Grid tree (areas)")),
    (figures.ORG_TREE, gettext_lazy("Organization tree")),
]
# Figures the map can colour grids by: (name, label, higher is better).
MAP_FIGURES = [
    ("overdue", gettext_lazy("Overdue now"), False),
    ("on_time_rate", gettext_lazy("On-time resolution rate"), True),
    ("satisfaction_rate", gettext_lazy("Satisfaction rate"), True),
    ("received", pgettext_lazy("service figure", "Received"), None),
]
# What each map figure needs computed (the map's default, overdue, needs one query).
MAP_PARTS = {
    "overdue": frozenset({"overdue"}),
    "on_time_rate": frozenset({"resolved"}),
    "satisfaction_rate": frozenset({"resolved"}),
    "received": frozenset({"received"}),
}


class FiguresForm(forms.Form):
    tree = forms.ChoiceField(label=gettext_lazy("Count by"), choices=TREE_CHOICES, required=False)
    node = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=Category.objects.order_by("path"),
        required=False,
        empty_label=gettext_lazy("All categories"),
    )
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIOD_CHOICES, required=False)
    month = forms.CharField(
        label=gettext_lazy("Month"), required=False, widget=forms.DateInput(attrs={"type": "month"})
    )
    start = forms.DateField(
        validators=[ANY_DATES],
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        validators=[ANY_DATES],
        label=gettext_lazy("Until (exclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda node: "　" * (node.depth - 1) + node.name

    def period_value(self) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        kind = data.get("period") or "this_year"
        if kind == "last_year":
            return Period.year(today.year - 1)
        if kind == "month":
            try:
                year, month = (int(part) for part in (data.get("month") or "").split("-")[:2])
                return Period.month(year, month)
            except ValueError:
                return Period.month(today.year, today.month)
        if kind == "custom" and data.get("start") and data.get("end") and data["start"] < data["end"]:
            return Period(data["start"], data["end"])
        return Period.year(today.year)


def _default_node(user, tree: str):
    scope = scope_of(user)
    model = Area if tree == figures.AREA_TREE else Organization
    if scope.is_global:
        return model.objects.filter(depth=1).order_by("path").first()
    granted = [g.path for g in scope.grants if g.tree == tree and VIEW in g.permissions]
    if not granted:
        return None
    return model.objects.filter(path=min(granted, key=lambda p: (len(p), p))).first()


def _may_view(user, tree: str, node) -> bool:
    scope = scope_of(user)
    if tree == figures.AREA_TREE:
        return scope.has_perm(VIEW, area_path=node.path)
    return scope.has_perm(VIEW, org_path=node.path)


def _scope_from(request, *, tree_default: str | None = None) -> tuple[FiguresForm, figures.Scope]:
    """The scope of the page: 404 for a node outside the user's scope, 403 without the right at all."""
    require_any(request.user, VIEW)
    form = FiguresForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    tree = data.get("tree") or tree_default or ""
    if not tree:
        tree = figures.AREA_TREE if _default_node(request.user, figures.AREA_TREE) else figures.ORG_TREE
    model = Area if tree == figures.AREA_TREE else Organization
    if data.get("node"):
        node = model.objects.filter(pk=data["node"]).first()
    else:
        node = _default_node(request.user, tree)
    if node is None or not _may_view(request.user, tree, node):
        raise Http404
    return form, figures.Scope(tree, node, data.get("category"))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _shown(key: str, row_figures: figures.Figures):
    """One figure's number as the page shows it, read through the figures store."""
    value = get_figure(key).pick(row_figures)
    if key.endswith("_rate"):
        return _percent(value)
    return "—" if value is None else value


# The columns of a breakdown line: store key and the hover note (a rate's numerator / denominator).
LINE_FIGURES = [
    ("service.received", None),
    ("service.resolved", None),
    ("service.on_time_rate", ("on_time", "resolved")),
    ("service.early_rate", ("early", "resolved")),
    ("service.satisfaction_rate", ("satisfied", "rated")),
    ("service.average_hours", None),
    ("service.overdue", None),
]


# The columns a phone keeps (375 px holds the name and three numbers): how residents rated the
# work, how long it took and what is late now; the counts and the other rates are in the cards
# above the tables and in every column from 768 px.
PHONE_FIGURES = frozenset({"service.satisfaction_rate", "service.average_hours", "service.overdue"})


def _cells(
    row_figures: figures.Figures, scope: figures.Scope, period: Period, *, overdue: bool = True
) -> list[dict]:
    """The numbers of one line, each with its link (the rates link to their numerators); a month's
    line has no overdue-now (it is a count of today, not of a month)."""
    cells = []
    for key, note in LINE_FIGURES:
        if key == "service.overdue" and not overdue:
            cells.append({"text": "—", "url": "", "title": "", "phone": True})
            continue
        title = f"{getattr(row_figures, note[0])} / {getattr(row_figures, note[1])}" if note else ""
        cells.append(
            {
                "text": _shown(key, row_figures),
                "url": figure_url(LIST_FIGURE[key], scope, period),
                "title": title,
                "phone": key in PHONE_FIGURES,
            }
        )
    return cells


COLUMNS = [
    {"label": label, "phone": key in PHONE_FIGURES}
    for (key, _note), label in zip(
        LINE_FIGURES,
        [
            pgettext_lazy("service figure", "Received"),
            pgettext_lazy("service figure", "Resolved"),
            gettext_lazy("On-time resolution rate"),
            gettext_lazy("Early resolution rate"),
            gettext_lazy("Satisfaction rate"),
            gettext_lazy("Average handling time (working hours)"),
            gettext_lazy("Overdue now"),
        ],
        strict=True,
    )
]


def _period_label(period: Period) -> str:
    last = period.end - datetime.timedelta(days=1)
    return f"{period.start:%Y-%m-%d} – {last:%Y-%m-%d}"


def _tree_nodes(user, scope: figures.Scope) -> list[tuple]:
    """The chosen node and its ancestors, each with whether the user may open it (the drill-up)."""
    model = type(scope.node)
    paths = [scope.node.path[:end] for end in range(4, len(scope.node.path) + 1, 4)]
    return [
        (node, _may_view(user, scope.tree, node))
        for node in model.objects.filter(path__in=paths).order_by("path")
    ]


def _keep(request) -> str:
    """The page's other choices (period, category, figure), to carry along when the node changes."""
    query = request.GET.copy()
    for name in ("tree", "node"):
        query.pop(name, None)
    return ("&" + query.urlencode()) if query else ""


@login_required
def figures_page(request):
    """The figures of a subtree (of the area or org tree), a category subtree and a period."""
    form, scope = _scope_from(request)
    period = form.period_value()
    report = figures.compute(scope, period)
    f = report.total
    notes = {
        "service.on_time_rate": f"{f.on_time} / {f.resolved}",
        "service.early_rate": _("at least %(hours)s hours early") % {"hours": f"{report.margin_hours:g}"},
        "service.satisfaction_rate": f"{f.satisfied} / {f.rated}",
        "service.average_hours": _("working hours"),
    }
    big = [
        {
            "label": get_figure(key).label,
            "value": _shown(key, f),
            "url": figure_url(LIST_FIGURE[key], scope, period),
            "note": notes.get(key, ""),
        }
        for key, _note in LINE_FIGURES
    ]
    base_query = {"tree": scope.tree, "period": "custom", "start": period.start, "end": period.end}
    if scope.category:
        base_query["category"] = scope.category.pk

    def drill(row: figures.Row, *, node=None, category=None) -> str:
        query = dict(base_query, node=(node or scope.node).pk)
        if category is not None:
            query["category"] = category
        return "?" + urlencode(query)

    breakdowns = [
        (
            _("By organization") if scope.tree == figures.ORG_TREE else _("By area"),
            [
                {
                    "label": row.label + (_(" (itself)") if row.is_self else ""),
                    "drill": "" if row.is_self else drill(row, node=row.scope.node),
                    "cells": _cells(row.figures, row.scope, row.period),
                }
                for row in report.by_child
            ],
        ),
        (
            _("By category"),
            [
                {
                    "label": row.label,
                    "drill": drill(row, category=row.key),
                    "cells": _cells(row.figures, row.scope, row.period),
                }
                for row in report.by_category
            ],
        ),
        (
            _("By month"),
            [
                {
                    "label": row.label,
                    "drill": "?"
                    + urlencode(
                        dict(base_query, node=scope.node.pk, start=row.period.start, end=row.period.end)
                    ),
                    "cells": _cells(row.figures, row.scope, row.period, overdue=False),
                }
                for row in report.by_month
            ],
        ),
    ]
    trend = [
        {
            "month": row.label,
            "received": row.figures.received,
            "resolved": row.figures.resolved,
            "received_url": figure_url("received", row.scope, row.period),
            "resolved_url": figure_url("resolved", row.scope, row.period),
        }
        for row in report.by_month
    ]
    top = max([1] + [max(t["received"], t["resolved"]) for t in trend])
    for entry in trend:
        entry["received_pct"] = round(entry["received"] * 100 / top)
        entry["resolved_pct"] = round(entry["resolved"] * 100 / top)
    context = {
        "form": form,
        "scope": scope,
        "period": period,
        "period_label": _period_label(period),
        "report": report,
        "big": big,
        "breakdowns": breakdowns,
        "columns": COLUMNS,
        "trend": trend,
        "ancestors": _tree_nodes(request.user, scope),
        "keep": _keep(request),
        "export_query": request.GET.urlencode(),
        "other_tree": figures.ORG_TREE if scope.tree == figures.AREA_TREE else figures.AREA_TREE,
    }
    return render(request, "service/figures/figures.html", context)


@login_required
@recent_auth_required
def figures_export(request):
    """The three breakdowns of the page as an Excel workbook (audited like every export)."""
    form, scope = _scope_from(request)
    period = form.period_value()
    report = figures.compute(scope, period)
    columns = [
        text_column("breakdown", gettext_lazy("Breakdown"), width=12),
        text_column("name", gettext_lazy("Name"), width=36),
        text_column("received", pgettext_lazy("service figure", "Received"), width=10),
        text_column("resolved", pgettext_lazy("service figure", "Resolved"), width=10),
        text_column("on_time", gettext_lazy("Resolved on time"), width=10),
        text_column("on_time_rate", gettext_lazy("On-time resolution rate"), width=12),
        text_column("early", gettext_lazy("Resolved early"), width=10),
        text_column("early_rate", gettext_lazy("Early resolution rate"), width=12),
        text_column("rated", pgettext_lazy("service figure", "Rated"), width=10),
        text_column("satisfied", pgettext_lazy("service figure", "Satisfied"), width=10),
        text_column("satisfaction_rate", gettext_lazy("Satisfaction rate"), width=12),
        text_column("average_hours", gettext_lazy("Average handling time (working hours)"), width=14),
        text_column("overdue", gettext_lazy("Overdue now"), width=10),
    ]

    def line(kind: str, name: str, f: figures.Figures) -> dict:
        return {
            "breakdown": kind,
            "name": name,
            "received": f.received,
            "resolved": f.resolved,
            "on_time": f.on_time,
            "on_time_rate": _percent(f.on_time_rate),
            "early": f.early,
            "early_rate": _percent(f.early_rate),
            "rated": f.rated,
            "satisfied": f.satisfied,
            "satisfaction_rate": _percent(f.satisfaction_rate),
            "average_hours": float(f.average_hours) if isinstance(f.average_hours, Decimal) else None,
            "overdue": f.overdue,
        }

    lines = [line(_("Total"), str(scope.node), report.total)]
    lines += [
        line(_("By area") if scope.tree == figures.AREA_TREE else _("By organization"), r.label, r.figures)
        for r in report.by_child
    ]
    lines += [line(_("By category"), r.label, r.figures) for r in report.by_category]
    lines += [{**line(_("By month"), r.label, r.figures), "overdue": None} for r in report.by_month]
    title = _("Service figures")
    file_name = f"{title}-{scope.node.name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    counter: list[int] = []
    content = export_workbook(columns, lines, title=title, counter=counter)
    record_export(
        title,
        by=request.user,
        filters={
            "tree": scope.tree,
            "node": scope.node.pk,
            "category": scope.category.pk if scope.category else None,
            "start": f"{period.start:%Y-%m-%d}",
            "end": f"{period.end:%Y-%m-%d}",
        },
        count=counter[0],
        file_name=file_name,
    )
    return attachment_response(content, file_name)


# --- The map -----------------------------------------------------------------------------------


def _map_scope(request) -> tuple[FiguresForm, figures.Scope, str]:
    form, scope = _scope_from(request, tree_default=figures.AREA_TREE)
    if scope.tree != figures.AREA_TREE:
        raise Http404
    figure = request.GET.get("figure") or "overdue"
    if figure not in {name for name, _label, _better in MAP_FIGURES}:
        figure = "overdue"
    return form, scope, figure


@login_required
def map_page(request):
    """Grids of an area as polygons coloured by a figure, open requests as points (Leaflet)."""
    form, scope, figure = _map_scope(request)
    period = form.period_value()
    query = request.GET.copy()
    query["node"] = scope.node.pk
    query["figure"] = figure
    context = {
        "form": form,
        "scope": scope,
        "period": period,
        "period_label": _period_label(period),
        "figure": figure,
        "map_figures": [(name, label) for name, label, _better in MAP_FIGURES],
        "figure_label": {name: label for name, label, _better in MAP_FIGURES}[figure],
        "data_url": reverse("service:map_data") + "?" + query.urlencode(),
        "tile_url": settings.TILE_URL,
        "labels": {
            # The legend's heading: the figure the grids are coloured by.
            "legend_title": str({name: label for name, label, _better in MAP_FIGURES}[figure]),
            "no_data": _("No data"),
            "grid_figures": _("Figures of this grid"),
            "grid_requests": _("Requests behind this number"),
            "open_request": _("Open the request"),
            "overdue": _("Overdue"),
            "status": _("%(grids)s grids · %(points)s open requests shown"),
            "capped": _("(only the latest %(cap)s)") % {"cap": POINTS_CAP},
            "failed": _("The map data could not be loaded; reload the page to try again."),
            "no_grids": _("No grid below this area has a boundary yet."),
            # Leaflet's own zoom buttons say "Zoom in"/"Zoom out" in their tooltips.
            "zoom_in": _("Zoom in"),
            "zoom_out": _("Zoom out"),
        },
        "ancestors": _tree_nodes(request.user, scope),
        "keep": _keep(request),
    }
    return render(request, "service/figures/map.html", context)


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return round(value, 4) if isinstance(value, float) else value


@login_required
def map_data(request):
    """GeoJSON of the grids under the chosen area with the figure's value, and the open requests
    (the latest ``POINTS_CAP`` with a location) as points. A fixed number of queries."""
    form, scope, figure = _map_scope(request)
    period = form.period_value()
    grids = list(
        Area.objects.filter(path__startswith=scope.node.path, kind=AreaKind.GRID, boundary__isnull=False)
        .only("id", "name", "path", "boundary", "depth")
        .order_by("path")
    )
    values: dict[int, figures.Figures] = {}
    by_depth: dict[int, list] = {}
    for grid in grids:
        by_depth.setdefault(len(grid.path), []).append(grid)
    for nodes in by_depth.values():
        values.update(figures.node_figures(scope, period, nodes, parts=MAP_PARTS[figure]))
    better = {name: b for name, _label, b in MAP_FIGURES}[figure]
    figures_url = reverse("service:figures")
    features = []
    for grid in grids:
        f = values.get(grid.pk) or figures.Figures()
        value = _number(f.value(figure))
        features.append(
            {
                "type": "Feature",
                "geometry": grid.boundary,
                "properties": {
                    "id": grid.pk,
                    "name": grid.name,
                    "value": value,
                    "label": _percent(value)
                    if figure.endswith("_rate")
                    else ("—" if value is None else value),
                    "figures_url": f"{figures_url}?tree=area&node={grid.pk}",
                    "list_url": figure_url(
                        figure if figure in figures.COUNTS else _rate_figure(figure),
                        scope.with_node(grid),
                        period,
                    ),
                },
            }
        )
    points = []
    requests = (
        ServiceRequest.objects.visible_to(request.user)
        .filter(scope.q(), state__in=OPEN_STATES, latitude__isnull=False, longitude__isnull=False)
        .order_by("-created_at")
        .values("pk", "tracking_code", "title", "state", "latitude", "longitude", "due_at")[:POINTS_CAP]
    )
    now = timezone.now()
    detail = reverse("service:request_detail", kwargs={"pk": 0})[:-2]
    for item in requests:
        points.append(
            [
                float(item["latitude"]),
                float(item["longitude"]),
                item["tracking_code"],
                item["title"] or "",
                1 if item["due_at"] < now else 0,
                f"{detail}{item['pk']}/",
            ]
        )
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "figure": figure,
            "higher_is_better": better,
            "scope": str(scope.node),
            "period": _period_label(period),
            "features": features,
            "points": points,
            "points_capped": len(points) >= POINTS_CAP,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _rate_figure(figure: str) -> str:
    return {"on_time_rate": "on_time", "early_rate": "early", "satisfaction_rate": "satisfied"}.get(
        figure, "resolved"
    )
