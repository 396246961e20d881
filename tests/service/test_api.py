"""The service API (/api/v1/service): the same rules as the pages, answered as JSON."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.tokens import issue_token
from dangjian.service import services
from dangjian.service.choices import RequestSource, RequestState
from dangjian.service.models import ServiceRequest
from tests.service.conftest import dispatched_request, file_request, resolved_request

pytestmark = pytest.mark.django_db


def action(client, request_obj, name: str, **body):
    return client.post(
        reverse("api:service_request_action", kwargs={"id": request_obj.pk, "action": name}),
        body,
        content_type="application/json",
    )


# --- list and detail ---------------------------------------------------------------------------------


def test_request_list_shows_the_callers_scope_by_keyset(client, world, service_world, secretary_a):
    mine = [file_request(world, service_world.garbage) for _ in range(5)]
    file_request(world, service_world.garbage, area=world.grid_b1)
    client.force_login(secretary_a)
    url = reverse("api:service_request_list")

    first = client.get(url, {"limit": 3}).json()
    second = client.get(url, {"limit": 3, "cursor": first["next_cursor"]}).json()

    codes = [row["tracking_code"] for row in first["items"] + second["items"]]
    assert codes == [row.tracking_code for row in reversed(mine)]
    assert second["next_cursor"] is None
    row = first["items"][0]
    assert row["category_name"] == "垃圾清运" and row["state"] == "reported" and row["state_label"]
    assert row["contact_phone_masked"] and "13800138000" not in str(first)


def test_request_list_filters_like_the_page(client, world, service_world, secretary_a):
    garbage = file_request(world, service_world.garbage)
    lighting = file_request(world, service_world.lighting, area=world.grid_a2)
    late = file_request(world, service_world.garbage, now=timezone.now() - datetime.timedelta(days=30))
    services.accept_request(garbage, by=secretary_a)
    client.force_login(secretary_a)
    url = reverse("api:service_request_list")

    def codes(**params) -> set[str]:
        answer = client.get(url, params)
        assert answer.status_code == 200, answer.content
        return {row["tracking_code"] for row in answer.json()["items"]}

    assert codes(state="accepted") == {garbage.tracking_code}
    assert codes(state=["accepted", "reported"]) == {
        garbage.tracking_code,
        lighting.tracking_code,
        late.tracking_code,
    }
    assert codes(category=service_world.lighting.pk) == {lighting.tracking_code}
    assert codes(category=service_world.parent.pk) == {
        garbage.tracking_code,
        lighting.tracking_code,
        late.tracking_code,
    }
    assert codes(area=world.grid_a2.pk) == {lighting.tracking_code}
    assert codes(org=world.org_a.pk) == {garbage.tracking_code, lighting.tracking_code, late.tracking_code}
    assert codes(overdue="true") == {late.tracking_code}
    since = timezone.localdate() - datetime.timedelta(days=1)
    assert codes(created_from=since.isoformat()) == {garbage.tracking_code, lighting.tracking_code}
    assert codes(department=service_world.department.pk) == set()
    assert codes(q=garbage.tracking_code) == {garbage.tracking_code}


def test_request_list_refuses_out_of_scope_nodes_and_users_without_the_right(
    client, world, service_world, secretary_a, resident
):
    client.force_login(secretary_a)
    url = reverse("api:service_request_list")
    assert client.get(url, {"area": world.grid_b1.pk}).status_code == 404
    assert client.get(url, {"org": world.org_b.pk}).status_code == 404
    bad = client.get(url, {"overdue": "maybe"})
    assert bad.status_code in (400, 422)
    client.force_login(resident)
    assert client.get(url).status_code == 403


def test_request_list_costs_the_same_queries_for_3_and_30_requests(
    client, world, service_world, secretary_a, handler_a1
):
    client.force_login(secretary_a)
    url = reverse("api:service_request_list")

    def count_with(total: int) -> int:
        while ServiceRequest.objects.count() < total:
            request_obj = dispatched_request(world, service_world, secretary_a)
            services.start_handling(request_obj, by=handler_a1)
        client.get(url, {"limit": 200})
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url, {"limit": 200}).json()["items"]) == total
        return len(queries)

    assert count_with(3) == count_with(30)


def test_request_detail_has_the_timeline_and_the_callers_actions(
    client, world, service_world, secretary_a, secretary_b
):
    request_obj = dispatched_request(world, service_world, secretary_a)
    client.force_login(secretary_a)
    detail = client.get(reverse("api:service_request_detail", kwargs={"id": request_obj.pk})).json()
    assert [event["action"] for event in detail["timeline"]] == ["submit", "accept", "dispatch"]
    assert detail["handler_org_name"] == world.branch_a1.name
    assert "reassign" in detail["actions"] and "accept" not in detail["actions"]
    assert detail["contact_phone_masked"] and "13800138000" not in str(detail)
    client.force_login(secretary_b)
    assert client.get(reverse("api:service_request_detail", kwargs={"id": request_obj.pk})).status_code == 404


# --- writing -------------------------------------------------------------------------------------------


def test_staff_register_a_hotline_request(client, world, service_world, secretary_a):
    client.force_login(secretary_a)
    answer = client.post(
        reverse("api:service_request_create"),
        {
            "category_id": service_world.garbage.pk,
            "description": "热线来电：小区垃圾无人清运",
            "source": "hotline",
            "latitude": "39.905",
            "longitude": "116.405",
            "contact_phone": "13900139000",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["area_name"] == world.grid_a1.name and body["source"] == "hotline"
    assert body["timeline"][0]["by_name"]
    stored = ServiceRequest.objects.get(pk=body["id"])
    assert stored.source == RequestSource.HOTLINE and stored.reported_by == secretary_a


def test_staff_cannot_register_as_the_portal_or_outside_their_grids(
    client, world, service_world, secretary_a
):
    client.force_login(secretary_a)
    url = reverse("api:service_request_create")
    body = {"category_id": service_world.garbage.pk, "description": "测试", "area_id": world.grid_a1.pk}
    portal = client.post(url, {**body, "source": "portal"}, content_type="application/json")
    assert portal.status_code == 400 and portal.json()["rule"] == "submit.source"
    elsewhere = client.post(url, {**body, "area_id": world.grid_b1.pk}, content_type="application/json")
    assert elsewhere.status_code == 403 and elsewhere.json()["rule"] == "submit.permission"
    nowhere = client.post(
        url,
        {**body, "area_id": None, "latitude": "31.23", "longitude": "121.47"},
        content_type="application/json",
    )
    assert nowhere.status_code == 400 and nowhere.json()["rule"] == "area.required"


def test_a_request_through_its_whole_life_by_api(client, world, service_world, secretary_a, handler_a1):
    request_obj = file_request(world, service_world.garbage)
    client.force_login(secretary_a)
    assert action(client, request_obj, "accept", note="已受理").json()["state"] == "accepted"
    dispatched = action(client, request_obj, "dispatch", handler_org_id=world.branch_a1.pk)
    assert dispatched.json()["state"] == "dispatched"
    client.force_login(handler_a1)
    assert action(client, request_obj, "start").json()["state"] == "in_progress"
    assert action(client, request_obj, "feedback", resolution="已清运").json()["state"] == "feedback"
    client.force_login(secretary_a)
    approved = action(client, request_obj, "approve").json()
    assert approved["state"] == "resolved" and "rate" not in approved["actions"]
    # Staff cannot rate through the API (满意率 counts residents' own ratings only).
    assert action(client, request_obj, "rate").status_code == 404
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.RESOLVED and request_obj.rated_at is None
    assert action(client, request_obj, "archive").json()["state"] == "archived"
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.ARCHIVED


def test_every_action_of_the_services_is_reachable(client):
    from dangjian.service.api import ACTION_CALLS

    assert set(services.ACTIONS) - {"photo"} <= set(ACTION_CALLS)
    assert "rate" not in ACTION_CALLS


def test_supervise_whistle_recategorize_and_suspend(client, world, service_world, secretary_a):
    request_obj = dispatched_request(world, service_world, secretary_a)
    client.force_login(secretary_a)
    assert action(client, request_obj, "supervise", note="请加快").json()["is_supervised"] is True
    whistled = action(
        client, request_obj, "whistle", department_id=service_world.department.pk, note="需城管协助"
    ).json()
    assert whistled["whistles"][0]["department_name"] == service_world.department.name
    moved = action(client, request_obj, "recategorize", category_id=service_world.lighting.pk).json()
    assert moved["category_name"] == "路灯维修"
    assert action(client, request_obj, "suspend", reason="等待居民提供材料").json()["state"] == "suspended"
    assert action(client, request_obj, "resume").json()["state"] == "dispatched"


def test_a_refused_rule_answers_400_with_message_and_rule(client, world, service_world, secretary_a):
    request_obj = file_request(world, service_world.garbage)
    client.force_login(secretary_a)
    answer = action(client, request_obj, "reject")
    assert answer.status_code == 400
    assert answer.json()["rule"] == "required" and answer.json()["field"] == "reason"
    assert "原因" in answer.json()["detail"] or answer.json()["detail"]
    wrong_state = action(client, request_obj, "approve")
    assert wrong_state.status_code == 400 and wrong_state.json()["rule"] == "approve.state"


def test_a_missing_right_answers_403_and_an_unknown_action_404(
    client, world, service_world, secretary_a, handler_a1, grid_worker_a
):
    request_obj = file_request(world, service_world.garbage)
    client.force_login(grid_worker_a)
    refused = action(client, request_obj, "accept")
    assert refused.status_code == 403 and refused.json()["rule"] == "accept.permission"
    client.force_login(secretary_a)
    assert action(client, request_obj, "photo").status_code == 404
    assert action(client, request_obj, "explode").status_code == 404


def test_a_stale_version_answers_409(client, world, service_world, secretary_a):
    request_obj = file_request(world, service_world.garbage)
    client.force_login(secretary_a)
    seen = client.get(reverse("api:service_request_detail", kwargs={"id": request_obj.pk})).json()["version"]
    services.add_comment(request_obj, by=secretary_a, note="先记一笔")
    stale = action(client, request_obj, "accept", version=seen)
    assert stale.status_code == 409 and stale.json()["rule"] == "version"
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.REPORTED
    assert action(client, request_obj, "accept", version=request_obj.version).status_code == 200


def test_bearer_token_works_and_anonymous_is_401(client, world, service_world, secretary_a):
    request_obj = file_request(world, service_world.garbage)
    _token, raw = issue_token(secretary_a, "脚本", by=secretary_a)
    url = reverse("api:service_request_detail", kwargs={"id": request_obj.pk})
    assert client.get(url).status_code == 401
    answer = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200 and answer.json()["tracking_code"] == request_obj.tracking_code
    accepted = client.post(
        reverse("api:service_request_action", kwargs={"id": request_obj.pk, "action": "accept"}),
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert accepted.status_code == 200


def test_department_users_see_what_is_sent_to_them(
    client, world, service_world, secretary_a, department_user
):
    request_obj = file_request(world, service_world.lighting)
    services.accept_request(request_obj, by=secretary_a)
    services.dispatch_request(request_obj, by=secretary_a)
    file_request(world, service_world.garbage)
    client.force_login(department_user)
    rows = client.get(reverse("api:service_request_list"), {"department": service_world.department.pk})
    assert [row["tracking_code"] for row in rows.json()["items"]] == [request_obj.tracking_code]
    assert action(client, request_obj, "start").json()["state"] == "in_progress"


# --- configuration and figures ------------------------------------------------------------------------


def test_categories_come_as_a_tree(client, service_world, secretary_a):
    client.force_login(secretary_a)
    tree = client.get(reverse("api:service_category_list")).json()
    assert [node["code"] for node in tree] == ["SR", "MS"]
    city = tree[0]
    assert [child["code"] for child in city["children"]] == ["SR01", "SR02"]
    assert city["children"][0]["limit_amount"] == 3 and city["children"][0]["children"] == []


def test_departments_serving_the_callers_area(client, service_world, secretary_a):
    client.force_login(secretary_a)
    rows = client.get(reverse("api:service_department_list")).json()
    assert [row["code"] for row in rows] == ["CG"]
    assert rows[0]["area_name"] == "示范区"


def test_figures_of_a_community(client, world, service_world, secretary_a, handler_a1):
    resolved_request(world, service_world, secretary_a, handler_a1)
    file_request(world, service_world.garbage)
    client.force_login(secretary_a)
    answer = client.get(reverse("api:service_figures"), {"org": world.org_a.pk})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["tree"] == "org" and body["node_name"] == world.org_a.name
    assert body["total"]["received"] == 1 and body["total"]["resolved"] == 1
    assert body["total"]["on_time_rate"] == 1.0
    assert len(body["by_month"]) == 12
    assert client.get(reverse("api:service_figures"), {"org": world.org_b.pk}).status_code == 404
    assert client.get(reverse("api:service_figures")).status_code == 200


def png(name: str = "photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_photos_are_added_by_multipart_upload(client, world, service_world, secretary_a):
    request_obj = file_request(world, service_world.garbage)
    client.force_login(secretary_a)
    url = reverse("api:service_request_photo", kwargs={"id": request_obj.pk})
    answer = client.post(url, {"photo": png(), "kind": "report"})
    assert answer.status_code == 201, answer.content
    [photo] = answer.json()["photos"]
    assert photo["kind"] == "report" and photo["width"] == 40
    assert answer.json()["timeline"][-1]["action"] == "photo"
    not_a_photo = client.post(url, {"photo": io.BytesIO(b"hello")})
    assert not_a_photo.status_code == 400 and not_a_photo.json()["rule"] == "photo.type"


def test_a_called_department_reports_by_api(client, world, service_world, secretary_a, department_user):
    request_obj = dispatched_request(world, service_world, secretary_a)
    services.whistle_request(
        request_obj, by=secretary_a, department=service_world.department, note="需城管协助"
    )
    client.force_login(department_user)
    reported = action(client, request_obj, "whistle_report", note="已到场")
    assert reported.status_code == 200, reported.content
    body = reported.json()
    assert body["handler_department_id"] == service_world.department.pk
    assert body["whistles"][0]["state"] == "reported"
    again = action(client, request_obj, "whistle_report")
    assert again.status_code == 400 and again.json()["rule"] == "whistle_report.none"
