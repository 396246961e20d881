"""The work queue: what waits for a dispatcher, a handler and a department user, in sections, with bulk
dispatch and 报到; and what it costs."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.service import services
from dangjian.service.choices import RequestState
from dangjian.service.models import ServiceRequest, WhistleCall
from tests.service.conftest import at, dispatched_request, file_request

QUEUE = reverse("service:queue")
BULK = reverse("service:bulk_dispatch")


def codes(response) -> set[str]:
    return set(re.findall(r'font-monospace">([0-9A-Z]{10})<', response.content.decode()))


def section(client, name: str):
    response = client.get(QUEUE, {"section": name})
    assert response.status_code == 200
    return response


def test_the_dispatchers_queue_has_new_returned_review_overdue_and_due_soon_sections(
    client, world, service_world, secretary_a, handler_a1
):
    new = file_request(world, service_world.garbage)
    returned = dispatched_request(world, service_world, secretary_a)
    services.return_request(returned, by=handler_a1, reason="不归我们")
    review = dispatched_request(world, service_world, secretary_a)
    services.start_handling(review, by=handler_a1)
    services.report_result(review, by=handler_a1, resolution="已处理")
    late = file_request(world, service_world.garbage, now=at("2026-01-05 10:00"))
    soon = file_request(world, service_world.garbage)
    services.accept_request(soon, by=secretary_a)
    ServiceRequest.objects.filter(pk=soon.pk).update(due_at=timezone.now() + datetime.timedelta(hours=2))
    other = file_request(world, service_world.garbage, area=world.grid_b1)
    client.force_login(secretary_a)

    everything = codes(section(client, "all"))

    assert {new.tracking_code, returned.tracking_code, review.tracking_code, late.tracking_code} <= everything
    assert other.tracking_code not in everything
    assert codes(section(client, "new")) == {new.tracking_code, late.tracking_code}
    assert codes(section(client, "returned")) == {returned.tracking_code}
    assert codes(section(client, "review")) == {review.tracking_code}
    assert codes(section(client, "overdue")) == {late.tracking_code}
    assert codes(section(client, "due_soon")) == {soon.tracking_code}
    page = section(client, "all").content.decode()
    assert "即将到期" in page and "待审核" in page and "新上报" in page and "退回" in page


def test_the_handlers_queue_holds_what_is_dispatched_to_their_organization(
    client, world, service_world, secretary_a, handler_a1
):
    mine = dispatched_request(world, service_world, secretary_a)
    # Not dispatched yet, in the other grid: the community's to dispatch, not the branch's.
    waiting = file_request(world, service_world.garbage, area=world.grid_a2)
    client.force_login(handler_a1)

    listed = codes(section(client, "all"))

    assert mine.tracking_code in listed and waiting.tracking_code not in listed


def test_a_grid_worker_with_nothing_to_do_sees_a_friendly_empty_state(
    client, world, service_world, grid_worker_a
):
    client.force_login(grid_worker_a)

    page = section(client, "all").content.decode()

    assert "暂无待办" in page
    assert "未来 24 小时内没有到期的诉求" in section(client, "due_soon").content.decode()


def test_the_department_user_is_asked_to_report_and_reports_from_the_queue(
    client, world, service_world, secretary_a, department_user
):
    req = dispatched_request(world, service_world, secretary_a)
    call = services.whistle_request(req, by=secretary_a, department=service_world.department, note="需执法")
    client.force_login(department_user)

    page = section(client, "all").content.decode()
    assert "您的部门被吹哨" in page and reverse("service:whistle_report", args=[call.pk]) in page

    client.post(reverse("service:whistle_report", args=[call.pk]))
    req.refresh_from_db()
    assert req.handler_department == service_world.department
    assert req.tracking_code in codes(section(client, "all"))  # now the department's to handle


def test_bulk_dispatch_reports_each_refusal_by_tracking_code(client, world, service_world, secretary_a):
    first = file_request(world, service_world.garbage)
    second = file_request(world, service_world.garbage)
    services.accept_request(second, by=secretary_a)
    refused = file_request(world, service_world.garbage)
    services.reject_request(refused, by=secretary_a, reason="重复上报")
    client.force_login(secretary_a)

    response = client.post(
        BULK,
        {
            "requests": [first.pk, second.pk, refused.pk],
            "handler": f"org:{world.branch_a1.pk}",
            "note": "统一分派",
            "section": "new",
        },
        follow=True,
    )

    page = response.content.decode()
    for req in (first, second, refused):
        req.refresh_from_db()
    assert first.state == second.state == RequestState.DISPATCHED
    assert first.handler_org == world.branch_a1
    assert refused.state == RequestState.REJECTED
    assert "已将 2 件诉求分派给幸福社区第一网格党支部。" in page
    assert f"{refused.tracking_code}：该诉求当前为“不予受理”" in page
    assert (
        AuditEntry.objects.filter(
            object_type="service.servicerequest", note__startswith="service.dispatch"
        ).count()
        == 2
    )


def test_bulk_dispatch_ignores_requests_outside_the_scope(client, world, service_world, secretary_a):
    outside = file_request(world, service_world.garbage, area=world.grid_b1)
    client.force_login(secretary_a)

    client.post(BULK, {"requests": [outside.pk], "handler": f"org:{world.branch_a1.pk}"})

    outside.refresh_from_db()
    assert outside.state == RequestState.REPORTED


def test_bulk_dispatch_without_a_handler_or_ticks_explains_what_is_missing(
    client, world, service_world, secretary_a
):
    req = file_request(world, service_world.garbage)
    client.force_login(secretary_a)

    no_ticks = client.post(BULK, {"handler": f"org:{world.branch_a1.pk}"}, follow=True).content.decode()
    no_handler = client.post(BULK, {"requests": [req.pk]}, follow=True).content.decode()

    assert "请勾选要分派的诉求" in no_ticks
    assert "请选择要将勾选的诉求分派给谁" in no_handler


def test_bulk_dispatch_is_refused_to_people_who_cannot_dispatch(client, world, service_world, grid_worker_a):
    req = file_request(world, service_world.garbage)
    client.force_login(grid_worker_a)

    assert (
        client.post(BULK, {"requests": [req.pk], "handler": f"org:{world.branch_a1.pk}"}).status_code == 403
    )


def _queue_queries(client) -> int:
    client.get(QUEUE)  # the menu of a new sign-in is worked out once a minute, not measured here
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_queue_costs_the_same_queries_for_3_and_30_requests(
    client, world, service_world, secretary_a, department_user
):
    client.force_login(secretary_a)
    for _ in range(3):
        file_request(world, service_world.garbage)
    three = _queue_queries(client)
    for number in range(27):
        req = file_request(world, service_world.garbage, area=world.grid_a2 if number % 2 else None)
        if number % 3 == 0:
            services.accept_request(req, by=secretary_a)
    assert _queue_queries(client) == three

    client.force_login(department_user)
    for _ in range(3):
        req = dispatched_request(world, service_world, secretary_a)
        services.whistle_request(req, by=secretary_a, department=service_world.department, note="吹哨")
    three = _queue_queries(client)
    for _ in range(27):
        req = dispatched_request(world, service_world, secretary_a)
        services.whistle_request(req, by=secretary_a, department=service_world.department, note="吹哨")
    assert WhistleCall.objects.count() == 30
    assert _queue_queries(client) == three
