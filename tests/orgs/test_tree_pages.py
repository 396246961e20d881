"""The tree browser, its htmx children fragment, search with paths, and the flat lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.orgs import services
from dangjian.orgs.choices import AreaKind, OrgKind
from tests.factories import add_area, add_org


def names_in(response) -> str:
    return response.content.decode()


def test_secretary_tree_starts_at_own_community_with_its_branches_open(client, world, secretary_a):
    client.force_login(secretary_a)
    page = names_in(client.get(reverse("orgs:org_tree")))
    assert "中共幸福社区委员会" in page and "幸福社区第一网格党支部" in page
    assert "中共光明社区委员会" not in page and "中共和平街道工作委员会" not in page
    assert "中共示范区委员会" not in page


def test_admin_tree_starts_at_the_real_roots_and_loads_children_on_expand(client, world, admin):
    client.force_login(admin)
    page = names_in(client.get(reverse("orgs:org_tree")))
    # The single root opens with its children; the street's own children wait for an expand.
    assert "中共示范区委员会" in page and "中共和平街道工作委员会" in page
    assert reverse("orgs:org_children", args=[world.street_org.pk]) in page
    assert "中共幸福社区委员会" not in page
    fragment = names_in(client.get(reverse("orgs:org_children", args=[world.street_org.pk])))
    assert "中共幸福社区委员会" in fragment and "中共光明社区委员会" in fragment
    assert "<html" not in fragment


def test_children_fragment_of_a_sibling_community_is_not_found(client, world, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("orgs:org_children", args=[world.org_b.pk])).status_code == 404


def test_tree_marks_inactive_nodes_and_offers_to_hide_them(client, world, secretary_a):
    services.deactivate_node(world.branch_a1, by=secretary_a)
    client.force_login(secretary_a)
    page = names_in(client.get(reverse("orgs:org_tree")))
    assert 'class="dj-tree-node dj-inactive"' in page
    assert 'id="dj-hide-inactive"' in page


def test_search_shows_matching_nodes_with_their_path_instead_of_the_tree(client, world, secretary_a):
    client.force_login(secretary_a)
    page = names_in(client.get(reverse("orgs:org_tree"), {"q": "网格党支部"}))
    assert "幸福社区第一网格党支部" in page
    assert "光明社区第一网格党支部" not in page  # outside the scope
    assert 'class="dj-path mt-1">中共幸福社区委员会</div>' in page
    assert 'id="dj-tree"' not in page


def test_area_tree_of_a_grid_worker_starts_at_the_grid(client, world, grid_worker_a):
    client.force_login(grid_worker_a)
    page = names_in(client.get(reverse("orgs:area_tree")))
    assert "幸福社区第一网格" in page and "1号楼" in page
    assert "幸福社区第二网格" not in page


def test_org_list_filters_by_kind_and_stays_in_scope(client, world, secretary_a):
    client.force_login(secretary_a)
    page = names_in(client.get(reverse("orgs:org_list"), {"kind": OrgKind.BRANCH}))
    assert "幸福社区第一网格党支部" in page
    assert "中共幸福社区委员会</a>" not in page and "光明社区第一网格党支部" not in page


def test_area_list_filters_by_parent(client, world, admin):
    client.force_login(admin)
    page = names_in(client.get(reverse("orgs:area_list"), {"parent": world.community_a.pk}))
    assert "幸福社区第一网格" in page and "幸福社区第二网格" in page and "光明社区第一网格" not in page


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(reverse("orgs:org_tree"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Query counts: the same for 3 and for 30 rows -------------------------------------------------


def add_branches(parent, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        add_org(parent, f"测试第{index}党支部", f"T{parent.pk}-{index}", OrgKind.BRANCH)


def add_grids(parent, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        add_area(parent, f"测试第{index}网格", f"{parent.code}T{index:03d}", AreaKind.GRID)


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "grow", "parent_of", "params"),
    [
        ("orgs:org_tree", add_branches, "org_a", None),
        ("orgs:org_children", add_branches, "org_a", None),
        ("orgs:org_list", add_branches, "org_a", None),
        ("orgs:org_tree", add_branches, "org_a", {"q": "测试"}),
        ("orgs:area_tree", add_grids, "community_a", None),
        ("orgs:area_children", add_grids, "community_a", None),
        ("orgs:area_list", add_grids, "community_a", None),
    ],
)
def test_page_costs_the_same_queries_for_3_and_30_rows(
    client, world, secretary_a, url_name, grow, parent_of, params
):
    parent = getattr(world, parent_of)
    url = reverse(url_name, args=[parent.pk]) if url_name.endswith("children") else reverse(url_name)
    client.force_login(secretary_a)
    grow(parent, 3)
    parent.refresh_from_db()
    few = count_queries(client, url, params)
    grow(parent, 27, start=3)
    many = count_queries(client, url, params)
    assert few == many


def test_large_families_load_in_batches_with_a_show_more_button(client, world, secretary_a, monkeypatch):
    from dangjian.orgs.views import common

    monkeypatch.setattr(common, "CHILDREN_BATCH", 2)
    add_branches(world.org_a, 3)
    client.force_login(secretary_a)
    url = reverse("orgs:org_children", args=[world.org_a.pk])
    first = client.get(url).content.decode()
    assert first.count('class="dj-tree-node') == 2 and f"{url}?offset=2" in first
    rest = client.get(url, {"offset": 2}).content.decode()
    assert rest.count('class="dj-tree-node') == 2 and "offset=4" not in rest
