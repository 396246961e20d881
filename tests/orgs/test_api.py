"""The trees' API: scoped lists and details, changes through the services, errors as JSON."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.models import AuditEntry
from dangjian.orgs import api as orgs_api
from dangjian.orgs.choices import AreaKind, OrgKind
from dangjian.orgs.models import Area, Organization
from tests.factories import add_area, add_org

ORGS = "/api/v1/orgs/organizations"
AREAS = "/api/v1/orgs/areas"


@pytest.fixture
def as_secretary_a(client, secretary_a):
    client.force_login(secretary_a)
    return client


def post(client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url: str, data: dict):
    return client.patch(url, data, content_type="application/json")


# --- Scope --------------------------------------------------------------------------------------


def test_secretary_lists_only_own_community_orgs(as_secretary_a, world):
    body = as_secretary_a.get(ORGS).json()
    assert [item["name"] for item in body["items"]] == ["中共幸福社区委员会", "幸福社区第一网格党支部"]
    assert body["next"] is None


def test_secretary_lists_only_own_community_areas(as_secretary_a, world):
    names = [item["name"] for item in as_secretary_a.get(AREAS).json()["items"]]
    assert names == ["幸福社区", "幸福社区第一网格", "1号楼", "幸福社区第二网格"]


def test_secretary_gets_404_for_sibling_community_org(as_secretary_a, world):
    response = as_secretary_a.get(f"{ORGS}/{world.org_b.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_secretary_gets_404_for_sibling_community_area(as_secretary_a, world):
    assert as_secretary_a.get(f"{AREAS}/{world.community_b.pk}").status_code == 404


def test_user_without_roles_lists_nothing(client, world, resident):
    client.force_login(resident)
    assert client.get(ORGS).json() == {"items": [], "next": None}


def test_detail_shows_parent_and_labels(as_secretary_a, world):
    body = as_secretary_a.get(f"{ORGS}/{world.branch_a1.pk}").json()
    assert body["parent_id"] == world.org_a.pk
    assert body["jurisdiction_id"] == world.grid_a1.pk
    assert body["kind"] == "branch"
    assert body["kind_label"] == str(OrgKind.BRANCH.label)
    assert body["version"] == 1


def test_area_detail_shows_resident_count(as_secretary_a, world):
    body = as_secretary_a.get(f"{AREAS}/{world.grid_a1.pk}").json()
    assert body["resident_count"] == 0
    assert body["parent_id"] == world.community_a.pk


# --- Filters and pages ----------------------------------------------------------------------------


def test_list_filters_by_kind_and_parent(as_secretary_a, world):
    branches = as_secretary_a.get(ORGS, {"kind": "branch"}).json()["items"]
    assert [item["code"] for item in branches] == ["B0001"]
    children = as_secretary_a.get(AREAS, {"parent": world.community_a.pk}).json()["items"]
    assert [item["name"] for item in children] == ["幸福社区第一网格", "幸福社区第二网格"]


def test_list_search_finds_by_name(as_secretary_a, world):
    items = as_secretary_a.get(ORGS, {"q": "网格"}).json()["items"]
    assert [item["name"] for item in items] == ["幸福社区第一网格党支部"]


def test_list_filters_inactive_nodes(as_secretary_a, world):
    post(as_secretary_a, f"{AREAS}/{world.grid_a2.pk}/deactivate")
    items = as_secretary_a.get(AREAS, {"is_active": "false"}).json()["items"]
    assert [item["name"] for item in items] == ["幸福社区第二网格"]


def test_list_pages_follow_the_next_cursor_without_repeats(as_secretary_a, world):
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"after": cursor} if cursor else {})
        body = as_secretary_a.get(AREAS, params).json()
        seen += [item["name"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == ["幸福社区", "幸福社区第一网格", "1号楼", "幸福社区第二网格"]


def test_page_size_above_200_is_refused(as_secretary_a, world):
    assert as_secretary_a.get(ORGS, {"limit": 201}).status_code == 422


def test_unknown_kind_is_a_validation_error(as_secretary_a, world):
    response = as_secretary_a.get(ORGS, {"kind": "committee_of_everything"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "kind"]


def _list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"limit": 200})
    assert response.status_code == 200
    return len(queries)


def test_org_list_query_count_is_the_same_for_3_and_30_rows(as_secretary_a, world):
    add_org(world.org_a, "幸福社区第二网格党支部", "B1000", OrgKind.BRANCH)
    assert len(as_secretary_a.get(ORGS).json()["items"]) == 3
    few = _list_queries(as_secretary_a, ORGS)
    for number in range(27):
        add_org(world.org_a, f"幸福社区党支部{number}", f"B2{number:03}", OrgKind.BRANCH)
    assert len(as_secretary_a.get(ORGS, {"limit": 200}).json()["items"]) == 30
    assert _list_queries(as_secretary_a, ORGS) == few


def test_area_list_query_count_is_the_same_for_3_and_30_rows(client, world, grid_worker_a):
    client.force_login(grid_worker_a)  # sees 第一网格 and its building
    add_area(world.grid_a1, "2号楼", "G01B02", AreaKind.BUILDING)
    assert len(client.get(AREAS).json()["items"]) == 3
    few = _list_queries(client, AREAS)
    for number in range(27):
        add_area(world.grid_a1, f"{number + 3}号楼", f"G01B{number + 3:02}", AreaKind.BUILDING)
    assert len(client.get(AREAS, {"limit": 200}).json()["items"]) == 30
    assert _list_queries(client, AREAS) == few


# --- Changes ------------------------------------------------------------------------------------


def test_create_writes_audit_entry_with_new_values(as_secretary_a, world):
    response = as_secretary_a.post(
        ORGS,
        {"parent_id": world.org_a.pk, "name": "幸福社区第二网格党支部", "code": "B0100", "kind": "branch"},
        content_type="application/json",
        headers={"X-Request-ID": "import-job-42"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["parent_id"] == world.org_a.pk and body["depth"] == world.org_a.depth + 1
    entry = AuditEntry.objects.get(object_id=str(body["id"]), action="create")
    assert entry.changes["name"] == [None, "幸福社区第二网格党支部"]
    assert entry.username == "secretary_a"
    assert entry.request_id == "import-job-42"


def test_update_writes_audit_entry_with_old_and_new_values(as_secretary_a, world):
    response = patch(
        as_secretary_a,
        f"{ORGS}/{world.branch_a1.pk}",
        {"version": 1, "name": "幸福社区一网格党支部", "jurisdiction_id": world.grid_a2.pk},
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    entry = AuditEntry.objects.get(object_id=str(world.branch_a1.pk), action="update")
    assert entry.changes["name"] == ["幸福社区第一网格党支部", "幸福社区一网格党支部"]
    assert entry.changes["jurisdiction"] == ["幸福社区第一网格", "幸福社区第二网格"]
    assert entry.username == "secretary_a"


def test_update_changes_only_the_fields_sent(as_secretary_a, world):
    patch(as_secretary_a, f"{AREAS}/{world.grid_a2.pk}", {"version": 1, "address": "幸福路 2 号"})
    world.grid_a2.refresh_from_db()
    assert (world.grid_a2.name, world.grid_a2.address) == ("幸福社区第二网格", "幸福路 2 号")


def test_move_writes_audit_entry_with_old_and_new_parent(as_secretary_a, world):
    response = post(as_secretary_a, f"{AREAS}/{world.building_a1.pk}/move", {"parent_id": world.grid_a2.pk})
    assert response.status_code == 200
    assert response.json()["parent_id"] == world.grid_a2.pk
    entry = AuditEntry.objects.get(object_id=str(world.building_a1.pk), action="move")
    assert entry.changes["parent"] == ["幸福社区第一网格", "幸福社区第二网格"]


def test_move_into_sibling_community_answers_404(as_secretary_a, world):
    response = post(as_secretary_a, f"{AREAS}/{world.building_a1.pk}/move", {"parent_id": world.grid_b1.pk})
    assert response.status_code == 404
    assert Area.objects.get(pk=world.building_a1.pk).path.startswith(world.grid_a1.path)


def test_stale_version_answers_409(as_secretary_a, world):
    url = f"{ORGS}/{world.branch_a1.pk}"
    assert patch(as_secretary_a, url, {"version": 1, "phone": "010-1"}).status_code == 200
    response = patch(as_secretary_a, url, {"version": 1, "phone": "010-2"})
    assert response.status_code == 409
    assert response.json()["rule"] == "concurrent_change"
    assert "已被他人修改" in response.json()["detail"]
    assert Organization.objects.get(pk=world.branch_a1.pk).phone == "010-1"


def test_rule_violation_answers_400_with_chinese_message(as_secretary_a, world):
    response = post(
        as_secretary_a,
        AREAS,
        {"parent_id": world.grid_a1.pk, "name": "幸福社区第三网格", "code": "G03", "kind": "grid"},
    )
    assert response.status_code == 400
    grid, building = AreaKind.GRID.label, AreaKind.BUILDING.label
    assert response.json() == {
        "detail": f"“{grid}”的下级只能是“{building}”，不能是“{grid}”。",
        "rule": "area_hierarchy",
        "field": "kind",
    }


def test_duplicate_code_answers_400_naming_the_code(as_secretary_a, world):
    response = post(
        as_secretary_a,
        ORGS,
        {"parent_id": world.org_a.pk, "name": "重复支部", "code": "B0001", "kind": "branch"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "编码“B0001”已被使用，请换一个编码。"
    assert response.json()["field"] == "code"


def test_permission_denied_answers_403(client, world, grid_worker_a):
    client.force_login(grid_worker_a)  # sees the branch of their grid, may not change it
    response = patch(client, f"{ORGS}/{world.branch_a1.pk}", {"version": 1, "phone": "1"})
    assert response.status_code == 403
    assert response.json()["rule"] == "scope"


def test_create_under_sibling_community_answers_404(as_secretary_a, world):
    response = post(
        as_secretary_a,
        ORGS,
        {"parent_id": world.org_b.pk, "name": "光明社区第二网格党支部", "code": "B0200", "kind": "branch"},
    )
    assert response.status_code == 404
    assert not Organization.objects.filter(code="B0200").exists()


def test_deactivate_and_reactivate_are_audited(as_secretary_a, world):
    url = f"{ORGS}/{world.branch_a1.pk}"
    response = post(as_secretary_a, f"{url}/deactivate", {"reason": "网格调整"})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert post(as_secretary_a, f"{url}/reactivate").json()["is_active"] is True
    actions = list(AuditEntry.objects.filter(object_id=str(world.branch_a1.pk)).values_list("action", "note"))
    assert ("deactivate", "网格调整") in actions and ("reactivate", "") in actions


def test_deactivate_with_active_children_answers_400(as_secretary_a, world):
    response = post(as_secretary_a, f"{ORGS}/{world.org_a.pk}/deactivate")
    assert response.status_code == 400
    assert response.json()["rule"] == "deactivate_with_children"


def test_unexpected_error_answers_json_500_without_trace(as_secretary_a, world, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("secret internals")

    monkeypatch.setattr(orgs_api.services, "reactivate_node", broken)
    response = post(as_secretary_a, f"{ORGS}/{world.branch_a1.pk}/reactivate")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_unknown_body_field_is_refused_not_ignored(as_secretary_a, world):
    response = patch(
        as_secretary_a, f"{ORGS}/{world.branch_a1.pk}", {"version": 1, "parent_id": world.org_b.pk}
    )
    assert response.status_code == 422
    assert Organization.objects.get(pk=world.branch_a1.pk).version == 1


# --- OpenAPI --------------------------------------------------------------------------------------


def test_openapi_json_lists_the_endpoints(as_secretary_a, world):
    response = as_secretary_a.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths["/api/v1/orgs/organizations"]) == {"get", "post"}
    assert set(paths["/api/v1/orgs/organizations/{id}"]) == {"get", "patch"}
    for action in ("move", "deactivate", "reactivate"):
        assert f"/api/v1/orgs/areas/{{id}}/{action}" in paths
    assert "/api/v1/me" in paths
    security = schema["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in security.values()} == {"http", "apiKey"}
