"""The big screen's grid map: each grid with a boundary is drawn, coloured by the requests received
in the year (equal to the figures store's compute for that grid) and opening those requests;
grids without a boundary, or with a malformed one, are counted, not drawn; the cost does not grow
with the grids."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from dangjian.core.periods import Period
from dangjian.core.registry import registry
from dangjian.dashboard.screen import grid_map
from dangjian.orgs.choices import AreaKind
from tests.factories import add_area
from tests.service.conftest import at, file_request, handler_a1, service_world  # noqa: F401 (fixtures)
from tests.service.test_figures import march  # noqa: F401 (the fixture of hand-made requests)

pytestmark = pytest.mark.django_db
YEAR = 2026
MAP = "dashboard:screen_map"


def square(west: float, south: float, size: float = 0.01) -> dict:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def fragment(client, node, tree: str = "area", year: int = YEAR) -> str:
    response = client.get(reverse(MAP), {"node": node.pk, "tree": tree, "year": year})
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


@pytest.fixture
def bounded(world):
    for index, grid in enumerate((world.grid_a1, world.grid_a2)):
        grid.boundary = square(116.40 + index * 0.01, 39.90)
        grid.save()
    cache.clear()
    return world


@pytest.mark.usefixtures("march")
def test_every_grid_is_drawn_with_its_received_requests_and_opens_them(client, district_admin, bounded):
    client.force_login(district_admin)
    html = fragment(client, bounded.community_a)
    figure = registry["figures"]["service.received"]
    period = Period.year(YEAR)
    for grid in (bounded.grid_a1, bounded.grid_a2):
        value = figure.compute(grid, period)
        assert f"<title>{grid.name}：{value}</title>" in html
        assert f'href="{escape(figure.records_url(grid, period))}"' in html
    assert len(re.findall(r"<path ", html)) == 2
    # Busier grid, darker colour: grid_a1 received four in March and one in February, grid_a2 one.
    fills = {
        name: colour
        for colour, name in re.findall(
            r'fill="(#[0-9a-f]{6})" fill-rule="evenodd"[^>]*><title>([^：]+)', html
        )
    }
    assert grid_map.COLOURS.index(fills[bounded.grid_a1.name]) > grid_map.COLOURS.index(
        fills[bounded.grid_a2.name]
    )


def test_an_organization_shows_the_grids_of_its_jurisdiction(client, secretary_a, bounded):
    client.force_login(secretary_a)
    html = fragment(client, bounded.org_a, tree="org")
    assert bounded.grid_a1.name in html and bounded.grid_a2.name in html


def test_grids_without_a_boundary_or_with_a_malformed_one_are_counted_not_drawn(
    client, district_admin, world
):
    client.force_login(district_admin)
    world.grid_a1.boundary = square(116.40, 39.90)
    world.grid_a1.save()
    world.grid_a2.boundary = {"type": "Polygon", "coordinates": [[["x", 1], [None]]]}
    world.grid_a2.save()
    cache.clear()
    html = fragment(client, world.community_a)
    assert len(re.findall(r"<path ", html)) == 1
    assert world.grid_a2.name not in html
    assert "1" in re.search(r"(\d+)[^<]*(?:没有边界|no boundary)", html).group(0)


def test_no_boundary_at_all_says_so(client, district_admin, world):
    client.force_login(district_admin)
    html = fragment(client, world.community_a)
    assert "<svg" not in html


def test_a_node_outside_the_scope_is_404_and_a_bad_year_400(client, secretary_a, world):
    client.force_login(secretary_a)
    assert client.get(reverse(MAP), {"node": world.community_b.pk, "tree": "area"}).status_code == 404
    assert client.get(reverse(MAP), {"year": 9999}).status_code == 400


def test_a_user_who_may_not_read_the_figure_gets_no_map(world):
    assert grid_map.grid_map(world.community_a, YEAR, readable=False) is None


def test_the_map_costs_the_same_queries_with_more_grids(client, district_admin, bounded):
    client.force_login(district_admin)

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            fragment(client, bounded.community_a)
        return len(queries)

    few = count()
    for index in range(12):
        add_area(
            bounded.community_a,
            f"和平社区网格{index}",
            f"110105001001M{index:02d}",
            AreaKind.GRID,
            boundary=square(116.40 + index * 0.01, 39.92),
        )
    assert count() == few


def test_the_classes_follow_the_values():
    assert grid_map._classes([None, 0, 0]) == []
    bounds = grid_map._classes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert bounds == [2, 4, 6, 8, 10]
    assert grid_map._colour(1, bounds) == grid_map.COLOURS[0]
    assert grid_map._colour(10, bounds) == grid_map.COLOURS[-1]
    assert grid_map._colour(0, bounds) == grid_map.NO_VALUE
    # Repeated values make fewer classes, coloured from the dark end.
    assert grid_map._classes([5, 5, 5]) == [5]
    assert grid_map._colour(5, [5]) == grid_map.COLOURS[-1]
