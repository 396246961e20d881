"""The big screen over the test world: scope (default node, another scope's node is 404, bad
input is 400), a figure shown only to those holding its permission over the node, the grid
figure's records, the menu entry, and a page whose query count does not grow with the data."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from dangjian.accounts.models import Role
from dangjian.core.periods import Period
from dangjian.core.registry import get_figure, registry
from dangjian.dashboard.models import ScreenSnapshot
from dangjian.dashboard.screen import content
from dangjian.members.models import GridWorker
from dangjian.orgs.choices import AreaKind, OrgKind
from tests.factories import PersonFactory, UserFactory, add_area, add_org

pytestmark = pytest.mark.django_db

SCREEN = "dashboard:screen"
DATA = "dashboard:screen_data"


def data(client, **params) -> dict:
    response = client.get(reverse(DATA), params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def keys(payload: dict) -> set[str]:
    return {figure["key"] for figure in payload["figures"]}


def role_with(*names: str) -> Role:
    role = Role.objects.create(code="screen-test", name="只看部分数字")
    for name in names:
        app_label, codename = name.split(".")
        role.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return role


def test_the_screen_opens_on_the_users_widest_scope(client, secretary_a, world):
    client.force_login(secretary_a)
    response = client.get(reverse(SCREEN))
    assert response.status_code == 200
    assert response.context["node"] == world.org_a
    payload = data(client)
    assert payload["node"] == {"id": world.org_a.pk, "name": world.org_a.name, "tree": "org"}


def test_a_district_admin_opens_on_the_district(client, district_admin, world):
    client.force_login(district_admin)
    assert data(client)["node"]["id"] == world.district_org.pk


def test_a_node_outside_the_scope_is_404_on_the_page_and_the_data(client, secretary_a, world):
    client.force_login(secretary_a)
    for name in (SCREEN, DATA):
        for params in (
            {"node": world.org_b.pk, "tree": "org"},
            {"node": world.community_b.pk, "tree": "area"},
            {"node": world.street_org.pk},
            {"node": 2**70},
            {"node": "abc"},
            {"node": 0},
        ):
            assert client.get(reverse(name), params).status_code == 404, (name, params)


def test_a_node_inside_the_scope_opens_in_either_tree(client, secretary_a, world):
    client.force_login(secretary_a)
    assert data(client, node=world.branch_a1.pk, tree="org")["node"]["id"] == world.branch_a1.pk
    assert data(client, node=world.community_a.pk, tree="area")["node"]["tree"] == "area"


def test_a_bad_year_or_tree_is_a_clear_400(client, secretary_a):
    client.force_login(secretary_a)
    for params in ({"year": 9999}, {"year": 1900}, {"year": "x"}, {"year": 10**30}, {"tree": "moon"}):
        page = client.get(reverse(SCREEN), params)
        assert page.status_code == 400, params
        assert page.context["error"]
        answer = client.get(reverse(DATA), params)
        assert answer.status_code == 400 and answer.json()["error"], params


def test_a_figure_is_shown_only_to_those_holding_its_permission_over_the_node(client, world):
    """A role with only the people permission over 社区A shows the grid-worker figures and no
    service, activity or volunteer figure; the secretary of 社区A sees those too."""
    user = UserFactory(username="only_people")
    role = role_with("core.view_person")
    from dangjian.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=role, org=world.org_a)
    client.force_login(user)
    shown = keys(data(client))
    expected = {
        key for key, figure in content.screen_figures() if figure.permission in ("core.view_person", "")
    }
    assert shown == expected
    assert "members.grid_workers" in shown
    assert "service.received" not in shown and "orgs.grids" not in shown
    # Without orgs.grids the grid sentence is skipped, not shown with a hole.
    assert not data(client)["sentences"]


def test_every_figure_shown_is_one_the_user_may_read_over_the_node(client, grid_worker_a, world):
    client.force_login(grid_worker_a)
    payload = data(client)
    node = world.grid_a1
    assert payload["node"] == {"id": node.pk, "name": node.name, "tree": "area"}
    for key in keys(payload):
        figure = get_figure(key)
        assert content.may_read(grid_worker_a, figure, node)
    hidden = {key for key, figure in content.screen_figures() if key not in keys(payload)}
    for key in hidden:
        assert not content.may_read(grid_worker_a, get_figure(key), node)


def test_a_resident_has_no_screen_and_no_menu_entry(client, resident):
    client.force_login(resident)
    assert client.get(reverse(SCREEN)).status_code == 403
    assert client.get(reverse(DATA)).status_code == 403
    assert not content.may_use_screen(resident)
    assert registry["menu"][SCREEN].condition(resident) is False


def test_the_secretary_sees_the_menu_entry(secretary_a):
    assert registry["menu"][SCREEN].condition(secretary_a) is True


def _grid_worker(area, name: str) -> None:
    GridWorker.objects.create(person=PersonFactory(name=name), area=area, kind="full_time", is_active=True)


def test_every_number_links_to_its_records_with_scope_and_period(client, secretary_a, world):
    client.force_login(secretary_a)
    payload = data(client, year=2026)
    period = Period.year(2026)
    for figure in payload["figures"]:
        assert figure["url"] == get_figure(figure["key"]).records_url(world.org_a, period)
        assert figure["scope"] == world.org_a.name
        assert figure["period"] in (gettext("Year %(year)s") % {"year": 2026}, gettext("now"))
    page = client.get(reverse(SCREEN), {"year": 2026}).content.decode()
    for figure in payload["figures"]:
        assert f'href="{figure["url"]}"'.replace("&", "&amp;") in page


def test_the_grid_sentence_states_the_share_of_members(client, district_admin, world):
    from dangjian.members.models import PartyMember

    for index in range(4):
        _grid_worker(world.grid_a1, f"网格员{index}")
    member = GridWorker.objects.order_by("pk").first().person
    PartyMember.objects.create(person=member, org=world.branch_a1, is_active=True)
    client.force_login(district_admin)
    payload = data(client, node=world.org_a.pk)
    sentence = next(item["html"] for item in payload["sentences"] if item["key"] == "grids")
    # The numbers, in the sentence's order (whatever the language): grids, workers, members, share.
    assert re.findall(r'class="dj-screen-number"[^>]*>([^<]+)</a>', sentence) == ["2", "4", "1", "25%"]
    assert (
        get_figure("orgs.grids").records_url(world.org_a, Period.year(2026)).replace("&", "&amp;") in sentence
    )


def test_an_organization_without_jurisdiction_has_no_grid_sentence_but_its_other_sentences(
    client, secretary_a, world
):
    unit = add_org(world.org_a, "幸福社区某机关党支部", "U0009", OrgKind.BRANCH)
    client.force_login(secretary_a)
    payload = data(client, node=unit.pk)
    assert "grids" not in [item["key"] for item in payload["sentences"]]
    assert "service" in [item["key"] for item in payload["sentences"]]
    assert next(f for f in payload["figures"] if f["key"] == "orgs.grids")["shown"] == "—"


def test_a_sentence_writes_whole_percentages_but_never_rounds_up_to_all():
    assert content.sentence_value("members.grid_worker_member_share", Decimal("0.5734")) == "57%"
    assert content.sentence_value("service.on_time_rate", 1.0) == "100%"
    assert content.sentence_value("service.on_time_rate", 0.996) == "99.6%"
    assert content.sentence_value("service.on_time_rate", 0.0004) == "<0.1%"
    assert content.sentence_value("service.on_time_rate", 0.99996) == ">99.9%"
    assert content.sentence_value("service.on_time_rate", 0.004) == "0.4%"
    assert content.sentence_value("service.received", 170995) == "170995"
    assert content.sentence_value("service.on_time_rate", None) == "—"


def test_the_page_costs_the_same_queries_with_more_records(client, district_admin, world):
    client.force_login(district_admin)

    def count() -> int:
        from django.core.cache import cache

        # Nothing kept: the page computes every figure (the first visit of a node).
        cache.clear()
        ScreenSnapshot.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(SCREEN)).status_code == 200
        return len(queries)

    for index in range(3):
        _grid_worker(world.grid_a1, f"甲{index}")
    few = count()
    for index in range(30):
        _grid_worker(world.grid_b1, f"乙{index}")
        add_area(world.community_b, f"光明社区网格{index}", f"110105001002H{index:02d}", AreaKind.GRID)
    assert count() == few


def test_a_refresh_within_the_minute_reads_the_cache(client, district_admin):
    client.force_login(district_admin)
    data(client)
    with CaptureQueriesContext(connection) as queries:
        data(client)
    with CaptureQueriesContext(connection) as cold:
        from django.core.cache import cache

        cache.clear()
        data(client)
    assert len(queries) < len(cold)
