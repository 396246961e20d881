"""Open311 without a key leaks nothing: planted phones, ID numbers, exact points and street
addresses never come back, private categories never appear, and lists hand out no tracking codes.
With a client's key the full output is unchanged."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.service.models import ServiceRequest
from dangjian.service.open311 import issue_key
from tests.service import planted
from tests.service.planted import leaks, plant, plant_both, resolve

pytestmark = pytest.mark.django_db


def url(name: str, fmt: str = "json", **kwargs) -> str:
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


@pytest.fixture
def api_key(service_world) -> str:
    return issue_key("市民热线系统")[1]


@pytest.fixture
def both(world, service_world, secretary_a, handler_a1):
    """Both planted requests, resolved with a result that quotes the numbers again."""
    requests = plant_both(world, service_world)
    resolve(requests.public, world, secretary_a, handler_a1)
    resolve(requests.private, world, secretary_a, handler_a1)
    return requests


def public_outputs(client, both) -> dict[str, str]:
    """Every anonymous Open311 answer that could hold the planted requests."""
    public, private = both.public.tracking_code, both.private.tracking_code
    answers = {
        "list json": client.get(url("request_list")),
        "list xml": client.get(url("request_list", "xml")),
        "list closed": client.get(url("request_list"), {"status": "closed"}),
        "list by code": client.get(url("request_list"), {"service_code": "SR01,JF01"}),
        "list by ids": client.get(url("request_list"), {"service_request_id": f"{public},{private}"}),
        "one json": client.get(url("request_detail", code=public)),
        "one xml": client.get(url("request_detail", "xml", code=public)),
        "token": client.get(url("token_detail", token=public)),
        "services": client.get(url("service_list")),
    }
    for name, answer in answers.items():
        assert answer.status_code == 200, name
    return {name: answer.content.decode() for name, answer in answers.items()}


def test_no_public_answer_holds_a_phone_an_id_number_an_exact_point_or_the_street_address(client, both):
    for name, content in public_outputs(client, both).items():
        assert leaks(content) == [], name


def test_the_private_category_request_does_not_appear_at_all(client, both):
    code = both.private.tracking_code
    for name, content in public_outputs(client, both).items():
        assert code not in content, name
        assert planted.PRIVATE_MARK not in content, name
        if name != "services":  # residents may still report it: it is a service
            assert "邻里纠纷" not in content, name
    assert client.get(url("request_detail", code=code)).status_code == 404
    assert client.get(url("request_detail", "xml", code=code)).status_code == 404
    assert client.get(url("token_detail", token=code)).status_code == 404


def test_lists_carry_no_tracking_code_but_the_id_field_stays_empty(client, both):
    code = both.public.tracking_code
    [row] = client.get(url("request_list")).json()
    assert row["service_request_id"] is None
    assert code not in str(row)
    [xml_row] = ET.fromstring(client.get(url("request_list", "xml")).content)
    assert xml_row.find("service_request_id").text is None
    assert code not in client.get(url("request_list", "xml")).content.decode()


def test_an_open_request_listed_publicly_has_a_notice_without_its_code(client, world, service_world):
    request_obj = plant(world, service_world)

    [row] = client.get(url("request_list")).json()

    due = timezone.localtime(request_obj.due_at).strftime("%Y-%m-%d %H:%M")
    assert row["status"] == "open"
    assert due in row["service_notice"] and request_obj.tracking_code not in row["service_notice"]
    [one] = client.get(url("request_detail", code=request_obj.tracking_code)).json()
    assert request_obj.tracking_code in one["service_notice"]


def test_the_public_row_keeps_what_a_map_needs_reduced(client, both, world):
    [row] = client.get(url("request_list")).json()

    assert row["service_code"] == "SR01" and row["status"] == "closed"
    # Rounded to 0.001° (~100 m): within half a step of the exact point, never closer.
    assert row["lat"] == 39.905 and row["long"] == 116.406
    assert abs(row["lat"] - float(planted.LATITUDE)) <= 0.0005
    assert abs(row["long"] - float(planted.LONGITUDE)) <= 0.0005
    assert row["address"] == world.community_a.name
    assert row["description"] == "楼下垃圾桶满了三天没人清运，请联系 *** 或座机 ***，我的身份证号 ***。"
    assert row["status_notes"] == "已处理完毕，请联系 *** 或座机 ***，我的身份证号 ***。"
    assert row["media_url"] == ""


def test_by_its_code_the_reporter_gets_the_request_with_the_same_reductions(client, both, world):
    code = both.public.tracking_code

    [row] = client.get(url("request_detail", code=code)).json()

    assert row["service_request_id"] == code
    assert row["address"] == world.community_a.name
    assert (row["lat"], row["long"]) == (39.905, 116.406)
    assert "***" in row["description"] and leaks(str(row)) == []
    [by_id] = client.get(url("request_list"), {"service_request_id": code}).json()
    assert by_id["service_request_id"] == code and leaks(str(by_id)) == []


def test_a_request_in_another_community_names_that_community(client, world, service_world):
    plant(world, service_world, area=world.grid_b1)

    [row] = client.get(url("request_list")).json()

    assert row["address"] == world.community_b.name


def test_a_media_link_holding_a_phone_is_left_out(client, world, service_world):
    request_obj = plant(
        world, service_world, description="井盖松动\n\n图片链接：https://img.example.org/13800138000.jpg"
    )
    [row] = client.get(url("request_detail", code=request_obj.tracking_code)).json()
    assert row["media_url"] == "" and row["description"] == "井盖松动"
    clean = plant(world, service_world, description="井盖松动\n\n图片链接：https://img.example.org/a.jpg")
    [row] = client.get(url("request_detail", code=clean.tracking_code)).json()
    assert row["media_url"] == "https://img.example.org/a.jpg"


# --- with a key: the client's full output, as before ----------------------------------------------


def test_with_a_key_the_client_gets_codes_exact_points_addresses_and_private_categories(
    client, both, api_key
):
    rows = client.get(url("request_list"), {"api_key": api_key}).json()

    by_code = {row["service_request_id"]: row for row in rows}
    assert set(by_code) == {both.public.tracking_code, both.private.tracking_code}
    row = by_code[both.public.tracking_code]
    assert (row["lat"], row["long"]) == (39.905437, 116.405873)
    assert row["address"] == planted.ADDRESS
    assert planted.ID_NUMBER in row["description"]
    [one] = client.get(url("request_detail", code=both.private.tracking_code), {"api_key": api_key}).json()
    assert planted.PRIVATE_MARK in one["description"]
    # Even with a key, the contact's name and phone never leave.
    assert "张阿姨" not in str(rows) and "138****8000" not in str(rows)


def test_a_wrong_or_revoked_key_on_a_read_is_refused_not_read_as_the_public(client, both, api_key):
    from dangjian.service.models import Open311Key

    wrong = client.get(url("request_list"), {"api_key": "o311_wrong"})
    assert wrong.status_code == 403 and wrong.json()[0]["code"] == 403
    Open311Key.objects.update(is_active=False)
    assert (
        client.get(
            url("request_detail", "xml", code=both.public.tracking_code), {"api_key": api_key}
        ).status_code
        == 403
    )


# --- cost --------------------------------------------------------------------------------------------


def test_the_public_list_costs_the_same_queries_for_3_and_30_requests_in_several_communities(
    client, world, service_world
):
    grids = [world.grid_a1, world.grid_a2, world.grid_b1]

    def count_with(total: int) -> int:
        while ServiceRequest.objects.count() < total:
            plant(world, service_world, area=grids[ServiceRequest.objects.count() % 3])
        with CaptureQueriesContext(connection) as queries:
            rows = client.get(url("request_list"), {"page_size": 200}).json()
        assert len(rows) == total
        assert {row["address"] for row in rows} == {world.community_a.name, world.community_b.name}
        return len(queries)

    assert count_with(3) == count_with(30)


def test_extreme_keys_and_codes_answer_4xx_not_500(client, service_world):
    for key in ("x" * 10_000, "o311_\u0000", "' OR 1=1 --"):
        assert client.get(url("request_list"), {"api_key": key}).status_code == 403
    assert client.get(url("request_detail", code="Z" * 300)).status_code == 404
    assert client.get(url("token_detail", "xml", token="%00")).status_code == 404
    assert client.get(url("request_list"), {"service_request_id": "," * 500}).status_code == 200


def test_a_nul_character_in_a_code_answers_4xx_not_500(client, service_world):
    assert client.get(url("request_detail", code="AB\u0000CD")).status_code == 404
    assert client.get(url("request_list"), {"service_request_id": "AB\u0000CD"}).status_code in (200, 400)
