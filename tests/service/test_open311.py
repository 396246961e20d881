"""Open311 GeoReport v2 (/open311/v2/): an external client lists services, submits and tracks requests."""

from __future__ import annotations

import datetime
import io
import os
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.service import services
from dangjian.service.choices import RequestSource, RequestState
from dangjian.service.models import Open311Key, ServiceRequest
from dangjian.service.open311 import hash_key, issue_key
from tests.service.conftest import file_request

pytestmark = pytest.mark.django_db

INSIDE_A1 = {"lat": "39.905", "long": "116.405"}


def url(name: str, fmt: str = "json", **kwargs) -> str:
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


@pytest.fixture
def api_key(service_world) -> str:
    return issue_key("测试客户端")[1]


def post_request(client, api_key: str, fmt: str = "json", **fields):
    data = {
        "api_key": api_key,
        "service_code": "SR01",
        "description": "路口垃圾桶满了没人清",
        **INSIDE_A1,
        **fields,
    }
    return client.post(url("request_list", fmt), data)


class KeyedClient:
    """A test client whose GETs send the client's ``api_key`` (the staff output with codes)."""

    def __init__(self, client, api_key: str) -> None:
        self.client, self.api_key = client, api_key

    def get(self, path: str, data: dict | None = None):
        return self.client.get(path, {**(data or {}), "api_key": self.api_key})


def xml_rows(response) -> list[dict]:
    root = ET.fromstring(response.content)
    return [{child.tag: (child.text or "") for child in item} for item in root]


# --- the acceptance flow ---------------------------------------------------------------------------


def test_client_flow_in_json(client, world, service_world, secretary_a, api_key):
    services_answer = client.get(url("service_list"))
    assert services_answer.status_code == 200
    assert services_answer["Content-Type"].startswith("application/json")
    codes = {row["service_code"]: row for row in services_answer.json()}
    assert set(codes) == {"SR01", "SR02"}  # MS01 is not public, SR is not a leaf
    assert codes["SR01"] == {
        "service_code": "SR01",
        "service_name": "垃圾清运",
        "description": "",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "市容环境",
    }

    created = post_request(client, api_key, phone="13900139000", first_name="伟", last_name="张")
    assert created.status_code == 200, created.content
    [answer] = created.json()
    code = answer["service_request_id"]
    assert answer["token"] == code
    assert answer["account_id"] is None
    assert "办结" in answer["service_notice"]
    stored = ServiceRequest.objects.get(tracking_code=code)
    assert stored.source == RequestSource.OPEN311
    assert stored.area == world.grid_a1
    assert stored.contact_name == "张伟"

    [row] = client.get(url("request_detail", code=code)).json()
    assert row["service_request_id"] == code
    assert row["status"] == "open"
    assert row["service_code"] == "SR01"
    assert row["service_name"] == "垃圾清运"
    assert row["description"] == "路口垃圾桶满了没人清"
    assert row["lat"] == 39.905 and row["long"] == 116.405
    assert row["requested_datetime"].endswith("+08:00")
    assert row["expected_datetime"].endswith("+08:00")
    assert row["agency_responsible"] == world.org_a.name
    # No personal data leaves through Open311.
    assert "13900139000" not in created.content.decode() + str(row)
    assert "张伟" not in str(row)

    # The client holding a key lists the codes; the public list carries none.
    opened = client.get(url("request_list"), {"status": "open", "api_key": api_key}).json()
    assert [row["service_request_id"] for row in opened] == [code]
    [public] = client.get(url("request_list"), {"status": "open"}).json()
    assert public["service_request_id"] is None and code not in str(public)
    assert client.get(url("request_list"), {"status": "closed"}).json() == []

    services.reject_request(stored, by=secretary_a, reason="不属于本社区受理范围")
    [closed] = client.get(url("request_list"), {"status": "closed"}).json()
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "不属于本社区受理范围"

    [token] = client.get(url("token_detail", token=code)).json()
    assert token == {"service_request_id": code, "token": code}


def test_client_flow_in_xml(client, world, service_world, api_key):
    answer = client.get(url("service_list", "xml"))
    assert answer["Content-Type"].startswith("text/xml")
    assert answer.content.startswith(b"<?xml")
    root = ET.fromstring(answer.content)
    assert root.tag == "services"
    assert {row["service_code"] for row in xml_rows(answer)} == {"SR01", "SR02"}
    assert root.find("service/metadata").text == "false"

    definition = ET.fromstring(client.get(url("service_definition", "xml", code="SR01")).content)
    assert definition.tag == "service_definition"
    assert definition.find("service_code").text == "SR01"
    assert list(definition.find("attributes")) == []

    created = post_request(client, api_key, "xml")
    assert created.status_code == 200
    assert ET.fromstring(created.content).tag == "service_requests"
    [answer_row] = xml_rows(created)
    code = answer_row["service_request_id"]
    assert answer_row["token"] == code and answer_row["account_id"] == ""

    detail = client.get(url("request_detail", "xml", code=code))
    assert ET.fromstring(detail.content).tag == "service_requests"
    [row] = xml_rows(detail)
    assert row["status"] == "open" and row["service_code"] == "SR01"
    assert row["requested_datetime"].endswith("+08:00")

    listed = xml_rows(client.get(url("request_list", "xml"), {"status": "open", "api_key": api_key}))
    assert [row["service_request_id"] for row in listed] == [code]
    [public] = xml_rows(client.get(url("request_list", "xml"), {"status": "open"}))
    assert public["service_request_id"] == "" and public["status"] == "open"
    [token] = xml_rows(client.get(url("token_detail", "xml", token=code)))
    assert token == {"service_request_id": code, "token": code}


def test_service_definition_has_no_attributes_and_unknown_code_is_404(client, service_world):
    assert client.get(url("service_definition", code="SR02")).json() == {
        "service_code": "SR02",
        "attributes": [],
    }
    missing = client.get(url("service_definition", code="MS01"))  # not public: as if missing
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404


# --- filters and paging --------------------------------------------------------------------------


def test_requests_filter_by_service_code_dates_and_ids(client, world, service_world, secretary_a, api_key):
    now = timezone.now()
    old = file_request(world, service_world.garbage, now=now - datetime.timedelta(days=10))
    recent = file_request(world, service_world.lighting, now=now - datetime.timedelta(days=1))
    # Never shown: not a public category (registered by staff on the hotline).
    file_request(world, service_world.elderly, now=now, by=secretary_a, source=RequestSource.HOTLINE)
    listing = url("request_list")
    client = KeyedClient(client, api_key)

    assert [row["service_request_id"] for row in client.get(listing).json()] == [
        recent.tracking_code,
        old.tracking_code,
    ]
    by_code = client.get(listing, {"service_code": "SR02"}).json()
    assert [row["service_request_id"] for row in by_code] == [recent.tracking_code]
    start = timezone.localtime(now - datetime.timedelta(days=5)).isoformat()
    since = client.get(listing, {"start_date": start}).json()
    assert [row["service_request_id"] for row in since] == [recent.tracking_code]
    end = (now - datetime.timedelta(days=5)).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = client.get(listing, {"end_date": end}).json()
    assert [row["service_request_id"] for row in until] == [old.tracking_code]
    both = client.get(listing, {"service_request_id": f"{old.tracking_code},{recent.tracking_code}"}).json()
    assert {row["service_request_id"] for row in both} == {old.tracking_code, recent.tracking_code}


def test_requests_default_to_the_last_90_days_and_ranges_are_bounded(client, world, service_world):
    file_request(world, service_world.garbage, now=timezone.now() - datetime.timedelta(days=120))
    assert client.get(url("request_list")).json() == []
    wide = client.get(url("request_list"), {"start_date": "2026-01-01", "end_date": "2026-06-01"})
    assert wide.status_code == 400
    assert "90" in wide.json()[0]["description"]
    bad = client.get(url("request_list"), {"start_date": "yesterday"})
    assert bad.status_code == 400 and "ISO 8601" in bad.json()[0]["description"]
    assert client.get(url("request_list"), {"status": "pending"}).status_code == 400


def test_requests_page_and_page_size(client, world, service_world, api_key):
    codes = [file_request(world, service_world.garbage).tracking_code for _ in range(5)]
    listing = url("request_list")
    client = KeyedClient(client, api_key)
    first = client.get(listing, {"page_size": 2}).json()
    third = client.get(listing, {"page_size": 2, "page": 3}).json()
    assert len(first) == 2 and len(third) == 1
    everything = [
        row["service_request_id"]
        for page in (1, 2, 3)
        for row in client.get(listing, {"page_size": 2, "page": page}).json()
    ]
    assert sorted(everything) == sorted(codes)
    too_big = client.get(listing, {"page_size": 500})
    assert too_big.status_code == 400 and "200" in too_big.json()[0]["description"]


def test_request_list_costs_the_same_queries_for_3_and_30_requests(client, world, service_world, api_key):
    def count_with(total: int, params: dict) -> int:
        while ServiceRequest.objects.count() < total:
            file_request(world, service_world.garbage)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url("request_list"), {"page_size": 200, **params}).json()) == total
        return len(queries)

    assert count_with(3, {}) == count_with(30, {})
    ServiceRequest.objects.all().delete()
    keyed = {"api_key": api_key}
    assert count_with(3, keyed) == count_with(30, keyed)


def test_media_url_comes_back_and_status_notes_show_the_result(
    client, world, service_world, secretary_a, handler_a1, api_key
):
    created = post_request(client, api_key, media_url="https://img.example.org/a.jpg")
    code = created.json()[0]["service_request_id"]
    stored = ServiceRequest.objects.get(tracking_code=code)
    assert "https://img.example.org/a.jpg" in stored.description  # staff see it on the request page
    services.accept_request(stored, by=secretary_a)
    services.dispatch_request(stored, by=secretary_a)
    services.start_handling(stored, by=handler_a1)
    services.report_result(stored, by=handler_a1, resolution="已清运完毕")
    services.approve_result(stored, by=secretary_a)
    [row] = client.get(url("request_detail", code=code)).json()
    assert row["media_url"] == "https://img.example.org/a.jpg"
    assert row["description"] == "路口垃圾桶满了没人清"
    assert row["status"] == "closed" and row["status_notes"] == "已清运完毕"
    assert row["agency_responsible"] == world.branch_a1.name


# --- refusals ------------------------------------------------------------------------------------


def test_bad_or_missing_key_is_refused_with_403(client, service_world):
    for key in ("", "o311_not-a-key"):
        answer = post_request(client, key)
        assert answer.status_code == 403
        assert answer.json()[0]["code"] == 403
    xml = post_request(client, "wrong", "xml")
    root = ET.fromstring(xml.content)
    assert xml.status_code == 403 and root.tag == "errors"
    assert root.find("error/code").text == "403" and root.find("error/description").text
    assert not ServiceRequest.objects.exists()


def test_revoked_key_is_refused(client, service_world, api_key):
    Open311Key.objects.update(is_active=False)
    assert post_request(client, api_key).status_code == 403


def test_unknown_or_private_service_code_is_400(client, service_world, api_key):
    for code in ("NOPE", "MS01", "SR"):
        answer = post_request(client, api_key, service_code=code)
        assert answer.status_code == 400, code
        assert "service_code" in answer.json()[0]["description"]
    assert not ServiceRequest.objects.exists()


def test_point_outside_every_grid_is_400_with_a_clear_description(client, service_world, api_key):
    answer = post_request(client, api_key, lat="31.2304", long="121.4737")
    assert answer.status_code == 400
    description = answer.json()[0]["description"]
    assert "31.230400" in description and "网格" in description
    assert post_request(client, api_key, lat="abc", long="116.4").status_code == 400


def test_address_naming_a_grid_is_enough_without_coordinates(client, world, service_world, api_key):
    answer = post_request(client, api_key, lat="", long="", address_string="幸福社区第二网格 5号楼东侧")
    assert answer.status_code == 200, answer.content
    stored = ServiceRequest.objects.get(tracking_code=answer.json()[0]["service_request_id"])
    assert stored.area == world.grid_a2 and not stored.awaiting_location
    # Neither coordinates nor an address: nothing to find the place from.
    assert post_request(client, api_key, lat="", long="", address_string="").status_code == 400


def test_missing_description_and_bad_phone_are_400(client, service_world, api_key):
    assert post_request(client, api_key, description="").status_code == 400
    assert post_request(client, api_key, phone="12345").status_code == 400


def test_unknown_request_or_token_is_404(client, service_world):
    assert client.get(url("request_detail", code="NOSUCH")).status_code == 404
    assert client.get(url("token_detail", "xml", token="NOSUCH")).status_code == 404


def test_private_category_requests_are_not_shown(client, world, service_world, secretary_a):
    private = file_request(world, service_world.elderly, by=secretary_a, source=RequestSource.HOTLINE)
    assert client.get(url("request_detail", code=private.tracking_code)).status_code == 404


def test_posts_are_rate_limited_per_key(client, service_world, api_key, settings):
    settings.SERVICE_OPEN311_POSTS_PER_HOUR = 2
    assert post_request(client, api_key).status_code == 200
    assert post_request(client, api_key).status_code == 200
    third = post_request(client, api_key)
    assert third.status_code == 429
    other_key = issue_key("另一个客户端")[1]
    assert post_request(client, other_key).status_code == 200


def test_post_is_audited_and_key_use_recorded(client, service_world, api_key):
    answer = post_request(client, api_key)
    code = answer.json()[0]["service_request_id"]
    stored = ServiceRequest.objects.get(tracking_code=code)
    assert AuditEntry.objects.filter(object_type="service.servicerequest", object_id=str(stored.pk)).exists()
    assert Open311Key.objects.get().last_used_at is not None
    assert stored.events.get().action == "submit"
    assert stored.state == RequestState.REPORTED


def test_post_needs_no_csrf_token(service_world, api_key):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post_request(strict, api_key).status_code == 200


# --- the key command ---------------------------------------------------------------------------------


def test_create_open311_key_prints_the_key_last_and_stores_only_its_hash(db):
    out = io.StringIO()
    call_command("create_open311_key", "市民热线系统", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    key = Open311Key.objects.get()
    assert key.name == "市民热线系统"
    assert key.key_hash == hash_key(raw)
    assert raw not in {key.key_hash, key.key_prefix, key.name}
    assert raw.startswith(key.key_prefix)
    assert AuditEntry.objects.filter(object_type="service.open311key").exists()


def test_create_open311_key_from_the_dangjian_command(tmp_path):
    """The documented command line works in a fresh process (its own SQLite data directory)."""
    root = Path(__file__).resolve().parents[2]
    command = root / ".venv" / "bin" / "dangjian"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env["DANGJIAN_DATA_DIR"] = str(tmp_path)
    subprocess.run([str(command), "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    done = subprocess.run(
        [str(command), "manage", "create_open311_key", "客户端X"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    raw = done.stdout.strip().splitlines()[-1]
    assert raw.startswith("o311_") and len(raw) > 20
    with sqlite3.connect(tmp_path / "dangjian.sqlite3") as database:
        stored = database.execute("select key_hash from service_open311key").fetchall()
    assert stored == [(hash_key(raw),)]


def test_retired_categories_are_not_offered(client, service_world):
    service_world.lighting.is_active = False
    service_world.lighting.save()
    assert [row["service_code"] for row in client.get(url("service_list")).json()] == ["SR01"]
    service_world.parent.is_active = False
    service_world.parent.save()
    [row] = client.get(url("service_list")).json()
    assert row["service_code"] == "SR01" and row["group"] == ""


def test_a_nul_character_in_a_field_is_refused_with_400_and_nothing_is_stored(client, service_world, api_key):
    # Found by the fuzzing (tests/test_api_fuzz.py): PostgreSQL refused the row, the client got a 500.
    from dangjian.service.models import ServiceRequest

    before = ServiceRequest.objects.count()
    answer = post_request(client, api_key, first_name="伟\x00", last_name="张")
    assert answer.status_code == 400
    assert "NUL" in answer.json()[0]["description"]
    assert ServiceRequest.objects.count() == before
