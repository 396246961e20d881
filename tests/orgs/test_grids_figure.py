"""``orgs.grids``: the active grids of an area's subtree (an organization's jurisdiction), equal
to a count of the grid rows, and its records link lists exactly those grids."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from tests.factories import add_area

pytestmark = pytest.mark.django_db
PERIOD = Period.year(2026)


def grid_names(node_path: str) -> set[str]:
    return {
        name
        for name, path, kind, active in Area.objects.values_list("name", "path", "kind", "is_active")
        if path.startswith(node_path) and kind == AreaKind.GRID and active
    }


def test_the_grid_count_equals_the_grid_rows_of_the_subtree(world):
    figure = get_figure("orgs.grids")
    closed = add_area(world.community_a, "幸福社区第三网格", "110105001001G03", AreaKind.GRID)
    Area.objects.filter(pk=closed.pk).update(is_active=False)
    for node, area in (
        (world.org_a, world.community_a),
        (world.street_org, world.street),
        (world.branch_a1, world.grid_a1),
        (world.street, world.street),
        (world.community_b, world.community_b),
    ):
        assert figure.compute(node, PERIOD) == len(grid_names(area.path)), node
    assert figure.compute(world.org_a, PERIOD) == 2


def test_an_organization_without_jurisdiction_has_no_grid_count(world):
    from tests.factories import add_org

    unit = add_org(world.street_org, "某机关党支部", "U0001", "branch")
    assert get_figure("orgs.grids").compute(unit, PERIOD) is None


def test_the_records_link_lists_the_same_grids(client, district_admin, world):
    figure = get_figure("orgs.grids")
    client.force_login(district_admin)
    for node, shown, hidden in (
        (world.org_a, {world.grid_a1, world.grid_a2}, {world.grid_b1}),
        (world.community_b, {world.grid_b1}, {world.grid_a1, world.grid_a2}),
    ):
        page = client.get(figure.records_url(node, PERIOD)).content.decode()
        assert all(grid.name in page for grid in shown), node
        assert not any(grid.name in page for grid in hidden), node


def test_a_huge_or_unknown_node_in_the_filters_lists_nothing_and_is_no_error(client, district_admin, world):
    client.force_login(district_admin)
    for params in ({"within": 2**70}, {"jurisdiction_of": 2**70}, {"within": -1}, {"jurisdiction_of": 0}):
        response = client.get(reverse("orgs:area_list"), params)
        assert response.status_code == 200, params
        assert world.grid_a1.name not in response.content.decode(), params
