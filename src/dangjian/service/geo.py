"""Which grid a point lies in: shapely over the grids' GeoJSON boundaries (works on SQLite too).

The grids' polygons are loaded once per process into an STRtree and reloaded when any area
changed (one cheap query per lookup compares the newest ``updated_at``). GeoJSON order is
[longitude, latitude].
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from shapely import STRtree
from shapely.geometry import Point, shape

from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area


@dataclass
class _GridIndex:
    stamp: object
    tree: STRtree | None
    area_ids: list[int]
    shapes: list


_lock = threading.Lock()
_index: _GridIndex | None = None


def _current_stamp() -> object:
    return Area.objects.filter(kind=AreaKind.GRID).aggregate(stamp=Max("updated_at"))["stamp"]


def _load(stamp: object) -> _GridIndex:
    area_ids: list[int] = []
    shapes = []
    rows = Area.objects.filter(kind=AreaKind.GRID, is_active=True, boundary__isnull=False).values_list(
        "id", "boundary"
    )
    for area_id, boundary in rows.iterator(chunk_size=2000):
        try:
            geometry = shape(boundary)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue  # a malformed boundary is the area form's problem; it cannot contain points
        if geometry.is_empty:
            continue
        area_ids.append(area_id)
        shapes.append(geometry)
    return _GridIndex(stamp=stamp, tree=STRtree(shapes) if shapes else None, area_ids=area_ids, shapes=shapes)


def locate_grid(latitude: Decimal | float, longitude: Decimal | float) -> Area | None:
    """The active grid whose boundary contains the point, or None (outside every grid)."""
    global _index
    stamp = _current_stamp()
    with _lock:
        if _index is None or _index.stamp != stamp:
            _index = _load(stamp)
        index = _index
    if index.tree is None:
        return None
    point = Point(float(longitude), float(latitude))
    for position in index.tree.query(point, predicate="intersects"):
        return Area.objects.filter(pk=index.area_ids[int(position)]).first()
    return None


def centre_of(area: Area) -> tuple[float, float] | None:
    """(latitude, longitude) of an area's boundary centre, for a default map position."""
    if not area.boundary:
        return None
    try:
        centroid = shape(area.boundary).centroid
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return (round(centroid.y, 6), round(centroid.x, 6))
