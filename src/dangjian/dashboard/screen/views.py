"""The big screen (数据大屏): the page and the JSON its script polls every minute.

Both read ``content.screen_data`` for the node ``?node=&tree=`` (default: the user's widest
scope) and the year ``?year=``; an out-of-scope node is 404, a bad year or tree 400.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from dangjian.dashboard.screen import content, grid_map

REFRESH_SECONDS = 60


def _query(node, year: int) -> str:
    return f"node={node.pk}&tree={content.tree_of(node)}&year={year}"


def _resolve(request):
    if not content.may_use_screen(request.user):
        raise PermissionDenied(gettext("No figure of the big screen is open to you."))
    year = content.parse_year(request.GET.get("year"))
    node = content.resolve_node(request.user, request.GET.get("node"), request.GET.get("tree"))
    return node, year


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0")


def _trend_rows(trends: dict) -> list[tuple[str, list[str]]]:
    """The trends as table rows (month, a cell per series), for those who do not read charts."""
    return [
        (month, [_cell(series["values"][index]) for series in trends["series"]])
        for index, month in enumerate(trends["months"])
    ]


@login_required
@require_GET
def screen(request):
    try:
        node, year = _resolve(request)
    except content.BadInput as error:
        return render(request, "dashboard/screen/screen.html", {"error": str(error)}, status=400)
    data = content.screen_data(request.user, node, year)
    query = _query(node, year)
    context = {
        "node": node,
        "year": year,
        "years": list(range(content.timezone.localdate().year, content.FIRST_YEAR - 1, -1))[:10],
        "data": data,
        "trends": data["trends"],
        "trend_rows": _trend_rows(data["trends"]),
        "data_url": f"{reverse('dashboard:screen_data')}?{query}",
        "refresh_seconds": REFRESH_SECONDS,
        "children": content.children_of(node),
        "parent": content.parent_of(node, request.user),
        "tree": content.tree_of(node),
        "map_url": content.map_url(node, request.user),
        "grid_map_url": f"{reverse('dashboard:screen_map')}?{query}",
        "labels": {
            "updated": gettext("Updated at %(time)s"),
            "failed": gettext("The figures could not be refreshed; the numbers shown are from %(time)s."),
        },
    }
    return render(request, "dashboard/screen/screen.html", context)


@login_required
@require_GET
def screen_data(request):
    try:
        node, year = _resolve(request)
    except content.BadInput as error:
        return JsonResponse({"error": str(error)}, status=400)
    data = content.screen_data(request.user, node, year)
    data["html"] = render_to_string("dashboard/screen/_body.html", {"data": data}, request=request)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def screen_map(request):
    """The grid map panel (an HTML fragment the page loads after its figures): the grids of the
    node's area coloured by the requests received in the year, each opening its requests."""
    try:
        node, year = _resolve(request)
    except content.BadInput as error:
        return render(request, "dashboard/screen/_map.html", {"error": str(error)}, status=400)
    figure = content.registry["figures"].get(grid_map.MAP_KEY)
    area = node if isinstance(node, content.Area) else (node.jurisdiction if node.jurisdiction_id else None)
    readable = figure is not None and area is not None and content.may_read(request.user, figure, area)
    context = {
        "map": grid_map.grid_map(node, year, readable),
        "year": year,
        "map_url": content.map_url(node, request.user),
    }
    return render(request, "dashboard/screen/_map.html", context)
