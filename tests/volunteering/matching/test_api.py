"""The matching API: suggestions with reasons, and a proposal made, read and accepted."""

from __future__ import annotations

from django.urls import reverse

from dangjian.volunteering.choices import NeedState
from dangjian.volunteering.models import Need
from tests.volunteering.matching.helpers import need, skill, volunteer


def test_suggestions_come_with_score_and_reasons(world, secretary_a, client):
    client.force_login(secretary_a)
    nursing = skill("医疗护理")
    wanted = need(world.grid_a1, world.org_a, skills=[nursing])
    helper = volunteer(world.grid_a1, world.org_a, "刘志愿", skills=[nursing])
    response = client.get(reverse("api:volunteering_need_suggestions", kwargs={"id": wanted.pk}))
    assert response.status_code == 200
    (first,) = response.json()
    assert (first["volunteer_id"], first["volunteer_name"], first["score"]) == (helper.pk, "刘志愿", 100)
    assert first["cost"] == 0 and len(first["reasons"]) == 4


def test_a_proposal_is_made_read_and_accepted(world, secretary_a, client):
    client.force_login(secretary_a)
    needs = [need(world.grid_a1, world.org_a) for _ in range(3)]
    volunteer(world.grid_a1, world.org_a, capacity_hours=4)
    created = client.post(
        reverse("api:volunteering_proposal_create"),
        {"area_id": world.community_a.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["open_needs"], body["pair_count"], body["state"]) == (3, 2, "draft")
    detail = client.get(
        reverse("api:volunteering_proposal_detail", kwargs={"id": body["id"]}), {"limit": 1}
    ).json()
    assert len(detail["pairs"]) == 1 and detail["next"] == 1
    assert detail["pairs"][0]["reasons"]
    stale = client.post(
        reverse("api:volunteering_proposal_accept", kwargs={"id": body["id"]}),
        {"version": body["version"] + 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    accepted = client.post(
        reverse("api:volunteering_proposal_accept", kwargs={"id": body["id"]}),
        {"version": body["version"]},
        content_type="application/json",
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    states = sorted(Need.objects.filter(pk__in=[n.pk for n in needs]).values_list("state", flat=True))
    assert states == [NeedState.ASSIGNED, NeedState.ASSIGNED, NeedState.OPEN]


def test_accepting_a_proposal_whose_need_was_closed_is_a_400_naming_it(world, secretary_a, client):
    client.force_login(secretary_a)
    closed = need(world.grid_a1, world.org_a, "理发")
    volunteer(world.grid_a1, world.org_a)
    created = client.post(
        reverse("api:volunteering_proposal_create"),
        {"area_id": world.community_a.pk},
        content_type="application/json",
    ).json()
    Need.objects.filter(pk=closed.pk).update(state=NeedState.CLOSED)
    refused = client.post(
        reverse("api:volunteering_proposal_accept", kwargs={"id": created["id"]}),
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "理发" in refused.json()["detail"]


def test_a_street_proposal_is_refused_to_a_community_secretary(world, secretary_a, client):
    client.force_login(secretary_a)
    need(world.grid_a1, world.org_a)
    response = client.post(
        reverse("api:volunteering_proposal_create"),
        {"area_id": world.street.pk},
        content_type="application/json",
    )
    # The street itself is outside her scope: not found, and nothing stored.
    assert response.status_code in (403, 404)
