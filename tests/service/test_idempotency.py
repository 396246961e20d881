"""A client that sends a new request again after a lost answer (a restarted database, a dropped
connection) gets the request it already made, when it sends an ``Idempotency-Key`` header: on
Open311 and on the API, one after the other and at the same moment."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse

from dangjian.service import services
from dangjian.service.models import ServiceRequest
from dangjian.service.open311 import issue_key
from tests.service.test_open311 import INSIDE_A1

pytestmark = pytest.mark.django_db

KEY = "soak-7f3a-0001"


@pytest.fixture
def api_key(service_world) -> str:
    return issue_key("测试客户端")[1]


def post_request(client, api_key: str, key: str | None = None):
    data = {"api_key": api_key, "service_code": "SR01", "description": "路口垃圾桶满了没人清", **INSIDE_A1}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(reverse("open311:request_list", kwargs={"fmt": "json"}), data, **headers)


def test_open311_answers_a_repeated_key_with_the_request_already_made(client, api_key):
    before = ServiceRequest.objects.count()
    first = post_request(client, api_key, KEY)
    again = post_request(client, api_key, KEY)
    assert first.status_code == again.status_code == 200, again.content
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert ServiceRequest.objects.count() == before + 1


def test_without_a_key_or_with_another_a_new_request_is_made(client, api_key):
    before = ServiceRequest.objects.count()
    post_request(client, api_key, KEY)
    post_request(client, api_key, "another")
    post_request(client, api_key)
    post_request(client, api_key)
    assert ServiceRequest.objects.count() == before + 4


def test_two_clients_choosing_the_same_key_never_meet(client, api_key):
    other = issue_key("另一个客户端")[1]
    first = post_request(client, api_key, KEY).json()[0]["service_request_id"]
    second = post_request(client, other, KEY).json()[0]["service_request_id"]
    assert first != second


@pytest.mark.parametrize("bad", ["x" * 256, "键", "tab\there"])
def test_a_key_too_long_or_not_printable_ascii_is_refused_with_400(client, api_key, bad):
    before = ServiceRequest.objects.count()
    answer = client.post(
        reverse("open311:request_list", kwargs={"fmt": "json"}),
        {
            "api_key": api_key,
            "service_code": "SR01",
            "description": "路灯不亮",
            "lat": "39.905",
            "long": "116.405",
        },
        HTTP_IDEMPOTENCY_KEY=bad,
    )
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.json()[0]["description"]
    assert ServiceRequest.objects.count() == before


def test_the_api_answers_a_repeated_key_with_the_request_already_made(
    client, world, service_world, secretary_a
):
    client.force_login(secretary_a)
    body = {
        "category_id": service_world.garbage.pk,
        "description": "热线来电：小区垃圾无人清运",
        "source": "hotline",
        "latitude": "39.905",
        "longitude": "116.405",
    }
    url = reverse("api:service_request_create")
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 201, again.content
    assert first.json()["id"] == again.json()["id"]
    assert ServiceRequest.objects.filter(description=body["description"]).count() == 1
    refused = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert refused.status_code == 400 and refused.json()["field"] == "idempotency_key"


@pytest.mark.django_db(transaction=True)
def test_the_same_submission_sent_twice_at_once_makes_one_request(service_world):
    if connections["default"].vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: two submissions cannot race there")
    client_key = services.client_key_for("open311:1", KEY)
    barrier = threading.Barrier(2)
    made: list = []

    def submit() -> None:
        try:
            barrier.wait(timeout=30)
            made.append(
                services.submit_request(
                    category=service_world.garbage,
                    description="同时提交两次",
                    source="open311",
                    latitude=Decimal("39.905"),
                    longitude=Decimal("116.405"),
                    client_key=client_key,
                ).pk
            )
        except Exception as error:  # the assertion below shows it
            made.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(made) == 2 and made[0] == made[1], made
    assert ServiceRequest.objects.filter(client_key=client_key).count() == 1
