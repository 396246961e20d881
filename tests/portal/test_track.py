"""A resident follows a request by its tracking code: plain status, public timeline, no phone, no staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.service import services
from tests.service.conftest import dispatched_request, file_request, resolved_request

pytestmark = pytest.mark.django_db


def test_the_lookup_form_leads_to_the_request(client, world, service_world):
    request_obj = file_request(world, service_world.garbage)

    response = client.get(reverse("portal:track_lookup"), {"code": request_obj.tracking_code.lower()})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:track", args=[request_obj.tracking_code])


def test_an_unknown_code_in_the_lookup_form_says_so(client, world):
    response = client.get(reverse("portal:track_lookup"), {"code": "ZZZZZZZZZZ"})

    assert response.status_code == 200
    assert "ZZZZZZZZZZ" in response.content.decode()
    assert "请核对" in response.content.decode()


def test_an_unknown_code_gets_a_friendly_404_page(client, world):
    response = client.get(reverse("portal:track", args=["ZZZZZZZZZZ"]))

    assert response.status_code == 404
    page = response.content.decode()
    assert "未找到" in page and "ZZZZZZZZZZ" in page
    assert reverse("portal:track_lookup") in page


def test_a_new_request_shows_it_was_received(client, world, service_world):
    request_obj = file_request(world, service_world.garbage)

    page = client.get(reverse("portal:track", args=[request_obj.tracking_code])).content.decode()

    assert "已收到" in page
    assert "垃圾清运" in page
    assert "小区门口垃圾三天没人清运" in page


def test_the_track_page_shows_no_phone_no_staff_names_and_no_internal_notes(
    client, world, service_world, secretary_a, handler_a1
):
    request_obj = dispatched_request(world, service_world, secretary_a)
    services.add_comment(request_obj, by=secretary_a, note="内部备注：居民情绪激动")
    services.start_handling(request_obj, by=handler_a1)

    page = client.get(reverse("portal:track", args=[request_obj.tracking_code])).content.decode()

    assert "正在处理" in page
    for hidden in (
        "13800138000",
        "138****8000",
        "8000",
        "李",
        "书记",
        "孙",
        "处置员",
        "内部备注",
        "幸福社区第一网格党支部",
    ):
        assert hidden not in page, hidden
    assert "已受理" in page and "已交给处理人员" in page


def test_a_resolved_request_shows_the_result_and_the_rating_link(
    client, world, service_world, secretary_a, handler_a1
):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)

    page = client.get(reverse("portal:track", args=[request_obj.tracking_code])).content.decode()

    assert "已办结" in page
    assert "已清运" in page
    assert reverse("portal:rate", args=[request_obj.tracking_code]) in page


def test_a_rejected_request_shows_the_reason(client, world, service_world, secretary_a):
    request_obj = file_request(world, service_world.garbage)
    services.reject_request(request_obj, by=secretary_a, reason="该问题属于物业管理范围，请联系物业")

    page = client.get(reverse("portal:track", args=[request_obj.tracking_code])).content.decode()

    assert "不予受理" in page
    assert "该问题属于物业管理范围" in page


def _track_queries(client, request_obj) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("portal:track", args=[request_obj.tracking_code])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_track_page_reads_the_same_number_of_queries_for_3_and_30_timeline_lines(
    client, world, service_world, secretary_a, handler_a1
):
    short = dispatched_request(world, service_world, secretary_a)  # 3 lines
    long = dispatched_request(world, service_world, secretary_a)
    for _round in range(14):  # 28 more lines: paused, continued …
        services.suspend_request(long, by=secretary_a, reason="等待配件")
        services.resume_request(long, by=secretary_a)

    def lines(request_obj):
        return (
            client.get(reverse("portal:track", args=[request_obj.tracking_code]))
            .content.decode()
            .count("<li>")
        )

    assert (lines(short), lines(long)) == (3, 31)
    assert _track_queries(client, short) == _track_queries(client, long)
