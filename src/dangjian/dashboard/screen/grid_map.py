"""The big screen's grid map: the grids of the node's area drawn from their GeoJSON boundaries as
an SVG, each coloured by a figure of the figures store and opening the records it counts.

Drawn on the server without map tiles (a wall screen on an intranet has none; the service map
with tiles is one link away) and without a map library: the grids' polygons projected to the
page, a ``<path>`` per grid. The values come from the figure's ``node_counts`` (every grid at a
fixed number of queries, ``core.counted_figures.values_per_node``); a figure without it leaves
the grids uncoloured. Kept ten minutes per area and year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from dangjian.core.counted_figures import values_per_node
from dangjian.core.periods import Period
from dangjian.core.registry import registry
from dangjian.core.workbench import cached
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area

MAP_KEY = "service.received"
MAP_SECONDS = 600
MAP_WIDTH = 800
MAP_LIMIT = 3000  # grids drawn at most (a district has about 1,300)
# Sequential colours from few to many, readable on the screen's dark background.
COLOURS = ("#fde0c5", "#facba6", "#f59e72", "#e9694d", "#c8372d")
NO_VALUE = "#4b5563"


@dataclass(frozen=True)
class MapGrid:
    pk: int
    name: str
    d: str
    value: Any
    url: str
    colour: str


def _rings(geometry: Any) -> list[list[tuple[float, float]]]:
    """The outer and inner rings of a GeoJSON Polygon or MultiPolygon as (lon, lat) pairs; [] for
    anything else or a malformed one (the grid is then counted as without a boundary)."""
    if not isinstance(geometry, dict):
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    if not isinstance(polygons, list):
        return []
    rings = []
    try:
        for polygon in polygons:
            for ring in polygon:
                points = [(float(point[0]), float(point[1])) for point in ring]
                if len(points) >= 3 and all(math.isfinite(x) and math.isfinite(y) for x, y in points):
                    rings.append(points)
    except (TypeError, ValueError, IndexError):
        return []
    return rings


def _classes(values: list) -> list[float]:
    """Upper bounds of the colour classes: quantiles of the positive values (at most five classes,
    fewer when values repeat)."""
    positive = sorted(value for value in values if isinstance(value, int | float) and value > 0)
    if not positive:
        return []
    bounds = []
    for step in range(1, len(COLOURS) + 1):
        bound = positive[min(len(positive) - 1, math.ceil(step * len(positive) / len(COLOURS)) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def _colour(value: Any, bounds: list[float]) -> str:
    if not isinstance(value, int | float) or value <= 0 or not bounds:
        return NO_VALUE
    offset = len(COLOURS) - len(bounds)
    for index, bound in enumerate(bounds):
        if value <= bound:
            return COLOURS[offset + index]
    return COLOURS[-1]


def _compute(area: Area, period: Period) -> dict[str, Any]:
    figure = registry["figures"][MAP_KEY]
    grids = list(
        Area.objects.filter(
            path__startswith=area.path, kind=AreaKind.GRID, is_active=True, boundary__isnull=False
        )
        .only("pk", "name", "path", "depth", "boundary")
        .order_by("path")[:MAP_LIMIT]
    )
    by_length: dict[int, list[Area]] = {}
    for grid in grids:
        by_length.setdefault(len(grid.path), []).append(grid)
    values: dict[int, Any] = {}
    for nodes in by_length.values():
        values.update(values_per_node(figure, area, nodes, period) or {})
    shapes = [(grid, _rings(grid.boundary)) for grid in grids]
    shapes = [(grid, rings) for grid, rings in shapes if rings]
    points = [point for _grid, rings in shapes for ring in rings for point in ring]
    if not points:
        return {"grids": [], "width": MAP_WIDTH, "height": 0, "bounds": [], "without": len(grids)}
    west, east = min(x for x, _y in points), max(x for x, _y in points)
    south, north = min(y for _x, y in points), max(y for _x, y in points)
    # Equirectangular at the area's middle latitude: a district is small enough to look right.
    stretch = math.cos(math.radians((north + south) / 2))
    span = max((east - west) * stretch, north - south, 1e-9)
    scale = MAP_WIDTH / span
    height = max(1, round((north - south) * scale))
    width = max(1, round((east - west) * stretch * scale))
    bounds = _classes([values.get(grid.pk) for grid, _rings in shapes])
    drawn = []
    for grid, rings in shapes:
        d = " ".join(
            "M"
            + " L".join(f"{(x - west) * stretch * scale:.1f},{(north - y) * scale:.1f}" for x, y in ring)
            + " Z"
            for ring in rings
        )
        value = values.get(grid.pk)
        drawn.append(
            MapGrid(grid.pk, grid.name, d, value, figure.records_url(grid, period), _colour(value, bounds))
        )
    return {
        "grids": drawn,
        "width": width,
        "height": height,
        "bounds": bounds,
        "without": len(grids) - len(shapes),
    }


def grid_map(node, year: int, readable: bool) -> dict[str, Any] | None:
    """What the map panel draws for ``node``'s area in ``year``; None when the node has no area or
    the user may not read the map's figure there (``readable``)."""
    area = node if isinstance(node, Area) else (node.jurisdiction if node.jurisdiction_id else None)
    figure = registry["figures"].get(MAP_KEY)
    if area is None or figure is None or not readable:
        return None
    period = Period.year(year)
    data, _at = cached(
        f"screen-map:{area.pk}:{area.path}:{year}", lambda: _compute(area, period), MAP_SECONDS
    )
    legend = []
    lower = 1
    offset = len(COLOURS) - len(data["bounds"])
    for index, bound in enumerate(data["bounds"]):
        text = f"{lower:g}" if lower >= bound else f"{lower:g}–{bound:g}"
        legend.append({"colour": COLOURS[offset + index], "text": text})
        lower = bound + 1
    legend.append({"colour": NO_VALUE, "text": gettext("none")})
    return {**data, "area": area, "figure": figure, "legend": legend}
