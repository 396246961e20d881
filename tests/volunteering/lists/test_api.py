"""The lists' API: scoped lists at a flat query count, the same rules and refusals as the pages
(400 with the rule, 403, 404 out of scope, 409 on a stale version), and the member's claim."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.volunteering.choices import NeedState, WishState
from dangjian.volunteering.models import Need, Wish
from tests.volunteering.lists.helpers import member_user, need_a, need_b, volunteer_in, wish_a, wish_b


def _json(client, method, name, body=None, **kwargs):
    call = getattr(client, method)
    url = reverse(f"api:{name}", kwargs=kwargs)
    if body is None:
        return call(url)
    return call(url, body, content_type="application/json")


def test_the_need_list_is_scoped_and_filtered(client, secretary_a, world):
    need_a(world, title="甲", state=NeedState.MET)
    need_a(world, title="乙")
    need_b(world, title="丙")
    client.force_login(secretary_a)
    titles = {row["title"] for row in _json(client, "get", "vol_need_list").json()["items"]}
    assert titles == {"甲", "乙"}
    rows = client.get(reverse("api:vol_need_list"), {"state": "open"}).json()["items"]
    assert [row["title"] for row in rows] == ["乙"]


def test_the_need_list_costs_the_same_for_3_and_30_rows(
    client, secretary_a, world, django_assert_max_num_queries
):
    for index in range(3):
        need_a(world, title=f"需求{index}")
    client.force_login(secretary_a)
    client.get(reverse("api:vol_need_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("api:vol_need_list"))
    for index in range(27):
        need_a(world, title=f"更多{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("api:vol_need_list")).json()["items"]) == 30


def test_a_need_goes_through_its_states_and_a_stale_version_is_409(client, secretary_a, world):
    client.force_login(secretary_a)
    created = _json(
        client,
        "post",
        "vol_need_create",
        {"title": "修门锁", "category": "repair", "area_id": world.grid_a1.pk},
    )
    assert created.status_code == 201
    need = created.json()
    assert (
        _json(
            client, "patch", "vol_need_update", {"title": "修防盗门锁", "version": 1}, id=need["id"]
        ).json()["version"]
        == 2
    )
    stale = _json(client, "patch", "vol_need_update", {"title": "再改", "version": 1}, id=need["id"])
    assert stale.status_code == 409 and stale.json()["rule"] == "version"
    volunteer = volunteer_in(world.grid_a1, world.org_a)
    assigned = _json(client, "post", "vol_need_assign", {"volunteer_id": volunteer.pk}, id=need["id"])
    assert assigned.json()["state"] == "assigned" and assigned.json()["volunteer_id"] == volunteer.pk
    again = _json(client, "post", "vol_need_assign", {"volunteer_id": volunteer.pk}, id=need["id"])
    assert again.status_code == 400 and again.json()["rule"] == "state"
    met = _json(client, "post", "vol_need_met", {"outcome": "已换锁"}, id=need["id"])
    assert met.json()["state"] == "met"


def test_a_need_out_of_scope_is_404_and_an_area_out_of_scope_too(client, secretary_a, world):
    client.force_login(secretary_a)
    assert _json(client, "get", "vol_need_detail", id=need_b(world).pk).status_code == 404
    response = _json(
        client, "post", "vol_need_create", {"title": "x", "category": "repair", "area_id": world.grid_b1.pk}
    )
    assert response.status_code == 404
    assert not Need.objects.filter(title="x").exists()


def test_members_claim_and_fulfil_through_the_api_and_see_the_resident_masked(client, world):
    member = member_user(world, "member_a")
    wish = wish_a(world, state=WishState.PUBLISHED)
    client.force_login(member)
    claimed = _json(client, "post", "vol_wish_claim", id=wish.pk)
    assert claimed.status_code == 200 and claimed.json()["state"] == "claimed"
    assert claimed.json()["resident_name"] == "张*"
    fulfilled = _json(client, "post", "vol_wish_fulfil", {"proof": "已送到"}, id=wish.pk)
    assert fulfilled.json()["state"] == "fulfilled"
    assert Wish.objects.get(pk=wish.pk).proof == "已送到"


def test_staff_see_the_wish_list_of_their_scope_with_names(client, secretary_a, world):
    wish_a(world, title="甲心愿")
    wish_b(world, title="乙心愿")
    client.force_login(secretary_a)
    rows = _json(client, "get", "vol_wish_list").json()["items"]
    assert [(row["title"], row["resident_name"]) for row in rows] == [("甲心愿", "张阿姨")]


def test_a_resident_without_a_role_is_refused_the_lists(client, resident, world):
    client.force_login(resident)
    for name in ("vol_need_list", "vol_resource_list", "vol_project_list", "vol_wish_list"):
        assert _json(client, "get", name).status_code == 403


def test_null_for_a_field_that_cannot_be_empty_is_refused_and_nothing_changes(client, secretary_a, world):
    """Found by the fuzz test: ``{"is_available": null}`` reached the database and answered 500."""
    client.force_login(secretary_a)
    created = _json(
        client,
        "post",
        "vol_resource_create",
        {"kind": "venue", "name": "党群服务中心活动室", "area_id": world.grid_a1.pk},
    )
    assert created.status_code == 201
    resource = created.json()
    refused = _json(
        client,
        "patch",
        "vol_resource_update",
        {"is_available": None, "area_id": world.grid_a1.pk, "description": None},
        id=resource["id"],
    )
    assert refused.status_code == 422 and "is_available" in refused.text
    again = _json(client, "get", "vol_resource_detail", id=resource["id"]).json()
    assert again["is_available"] is True and again["version"] == resource["version"]
    cleared = _json(client, "patch", "vol_resource_update", {"description": None}, id=resource["id"])
    assert cleared.status_code == 200 and cleared.json()["description"] == ""
    need = _json(
        client,
        "post",
        "vol_need_create",
        {"title": "修门锁", "category": "repair", "area_id": world.grid_a1.pk},
    ).json()
    assert _json(client, "patch", "vol_need_update", {"is_public": None}, id=need["id"]).status_code == 422
