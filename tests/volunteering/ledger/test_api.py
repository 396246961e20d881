"""The ledger's API: the list (scoped, paged, searched), one entry, registering and editing with
the version (409 when stale), and the skill taxonomy."""

from __future__ import annotations

from django.urls import reverse

from dangjian.volunteering.models import Volunteer
from tests.members.ledger_data import nth_id_number
from tests.volunteering.helpers import skill, volunteer


def test_the_list_is_scoped_paged_and_searched(client, world, secretary_a):
    for number in range(5):
        volunteer(world.grid_a1, world.org_a, f"张{number}")
    volunteer(world.grid_a1, world.org_a, "王某")
    volunteer(world.community_b, world.org_b, "张外")
    client.force_login(secretary_a)
    url = reverse("api:volunteering_volunteer_list")

    first = client.get(url, {"limit": 4}).json()
    second = client.get(url, {"limit": 4, "offset": first["next"]}).json()
    found = client.get(url, {"q": "张"}).json()

    assert len(first["items"]) == 4 and first["next"] == 4
    assert len(second["items"]) == 2 and second["next"] is None
    assert [row["name"] for row in found["items"]] == [f"张{number}" for number in range(5)]
    assert all("*" in row["mobile_masked"] or row["mobile_masked"] == "" for row in found["items"])


def test_create_then_update_with_the_version_and_a_stale_one_is_409(client, world, secretary_a):
    client.force_login(secretary_a)
    created = client.post(
        reverse("api:volunteering_volunteer_create"),
        {
            "name": "蔡接口",
            "id_number": nth_id_number(31),
            "area_id": world.grid_a1.pk,
            "skill_ids": [skill().pk],
            "availability": 7,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["skills"][0]["name"] == "理发" and body["org_id"] == world.org_a.pk and body["version"] == 1
    url = reverse("api:volunteering_volunteer_update", kwargs={"id": body["id"]})

    updated = client.patch(
        url, {"version": 1, "capacity_hours": 9, "state": "paused"}, content_type="application/json"
    )
    stale = client.patch(url, {"version": 1, "capacity_hours": 3}, content_type="application/json")

    assert updated.status_code == 200 and updated.json()["state"] == "paused"
    assert stale.status_code == 409 and stale.json()["rule"] == "stale_version"
    assert Volunteer.objects.get().capacity_hours == 9


def test_a_volunteer_outside_the_scope_is_404_and_a_bad_rule_is_400(client, world, secretary_a):
    theirs = volunteer(world.community_b, world.org_b, "柏外")
    client.force_login(secretary_a)

    assert (
        client.get(reverse("api:volunteering_volunteer_detail", kwargs={"id": theirs.pk})).status_code == 404
    )
    refused = client.post(
        reverse("api:volunteering_volunteer_create"),
        {"name": "错号", "id_number": "110105198001011234", "area_id": world.grid_a1.pk},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "id_number"


def test_the_skill_list(client, world, secretary_a):
    client.force_login(secretary_a)
    names = [row["name"] for row in client.get(reverse("api:volunteering_skill_list")).json()]
    assert "医疗护理" in names and "理发" in names
