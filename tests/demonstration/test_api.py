"""示范点 API: the same flow as the pages through /api/v1/demonstration, a stale version answering
409, a refusal in words, and the public list without an account."""

from __future__ import annotations

from dangjian.demonstration.models import Designation
from tests.demonstration.helpers import designation, district_set, today

BASE = "/api/v1/demonstration"


def _post(client, url: str, data: dict | None = None, method: str = "post"):
    return getattr(client, method)(f"{BASE}{url}", data or {}, content_type="application/json")


def test_an_application_runs_through_the_api(client, world, secretary_a, district_admin):
    standards = district_set(world)
    client.force_login(secretary_a)
    created = _post(client, "/applications", {"org_id": world.org_a.pk, "standard_set_id": standards.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and len(body["evidence"]) == 3
    for row in body["evidence"]:
        patched = _post(
            client, f"/evidence/{row['id']}", {"text": "台账齐全", "version": row["version"]}, "patch"
        )
        assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = _post(client, f"/evidence/{body['evidence'][0]['id']}", {"text": "过时", "version": 1}, "patch")
    assert stale.status_code == 409
    assert _post(client, f"/applications/{body['id']}/submit").json()["state"] == "submitted"
    refused = _post(client, f"/applications/{body['id']}/review")
    assert refused.status_code == 403 and refused.json()["detail"]

    client.force_login(district_admin)
    assert _post(client, f"/applications/{body['id']}/review").json()["state"] == "under_review"
    for row in body["evidence"]:
        assert _post(client, f"/evidence/{row['id']}/review", {"result": "met"}).status_code == 200
    decided = _post(client, f"/applications/{body['id']}/decide", {"decision": "designate"})
    assert decided.status_code == 200 and decided.json()["state"] == "designated"
    point = Designation.objects.get()
    results = [{"item_id": item.pk, "met": item.number != 1} for item in standards.items.all()]
    revoked = _post(
        client,
        f"/designations/{point.pk}/rechecks",
        {"outcome": "revoke", "results": results, "note": "整改不到位", "checked_on": today().isoformat()},
    )
    assert revoked.status_code == 201 and revoked.json()["state"] == "revoked"
    listed = client.get(f"{BASE}/designations", {"state": "revoked"}).json()
    assert [row["id"] for row in listed["items"]] == [point.pk]


def test_the_public_list_needs_no_account_and_shows_only_active_points(client, world):
    active = designation(world, world.org_a)
    designation(world, world.org_b, state="revoked", ended_on=today())
    response = client.get(f"{BASE}/public")
    assert response.status_code == 200
    assert [row["org_name"] for row in response.json()["items"]] == [active.org.name]
    assert client.get(f"{BASE}/public", {"year": 9999}).status_code in (400, 422)
    assert client.get(f"{BASE}/designations").status_code == 401
