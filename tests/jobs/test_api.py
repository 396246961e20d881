"""就业 API: matches with their reasons, placing refused when full (400), stale edits (409), and
answers that never carry a mobile."""

from __future__ import annotations

from django.urls import reverse

from tests.jobs.helpers import posting, seeker


def test_the_matches_come_ranked_with_their_reasons(client, world, secretary_a):
    me = seeker(world.building_a1, world.org_a, "钱求职", skills=["电工"])
    best = posting(world.grid_a1, world.org_a, "电工", skills=["电工"])
    near = posting(world.grid_a2, world.org_a, "保洁员", skills=["保洁"])
    client.force_login(secretary_a)
    rows = client.get(reverse("api:jobs_seeker_matches", kwargs={"id": me.pk})).json()
    assert [row["id"] for row in rows] == [best.pk, near.pk]
    assert (
        rows[0]["shared_skills"] == ["电工"]
        and rows[0]["place"] == "community"
        and len(rows[0]["reasons"]) == 2
    )
    back = client.get(reverse("api:jobs_posting_matches", kwargs={"id": best.pk})).json()
    assert [row["id"] for row in back] == [me.pk]


def test_placing_in_a_full_posting_answers_400(client, world, secretary_a):
    job = posting(world.grid_a1, world.org_a, positions=1)
    first, second = seeker(world.building_a1, world.org_a, "甲"), seeker(world.building_a1, world.org_a, "乙")
    client.force_login(secretary_a)
    assert (
        client.post(
            reverse("api:jobs_seeker_place", kwargs={"id": first.pk}),
            {"posting_id": job.pk},
            content_type="application/json",
        ).status_code
        == 201
    )
    full = client.post(
        reverse("api:jobs_seeker_place", kwargs={"id": second.pk}),
        {"posting_id": job.pk},
        content_type="application/json",
    )
    assert full.status_code == 400 and full.json()["rule"] == "posting_full"


def test_a_stale_posting_edit_answers_409(client, world, secretary_a):
    job = posting(world.grid_a1, world.org_a)
    client.force_login(secretary_a)
    url = reverse("api:jobs_posting_update", kwargs={"id": job.pk})
    assert (
        client.patch(url, {"version": 1, "positions": 3}, content_type="application/json").status_code == 200
    )
    assert (
        client.patch(url, {"version": 1, "positions": 4}, content_type="application/json").status_code == 409
    )


def test_seeker_answers_carry_no_mobile(client, world, secretary_a):
    seeker(world.building_a1, world.org_a, "钱求职", mobile="13812345678")
    client.force_login(secretary_a)
    body = client.get(reverse("api:jobs_seeker_list")).content.decode()
    assert "钱求职" in body and "13812345678" not in body and "5678" not in body
