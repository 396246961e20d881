"""Abuse is limited per phone and per address; beyond a limit the page answers a polite 429."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from dangjian.service.models import RatingLevel
from tests.portal.helpers import report, request_code
from tests.service.conftest import resolved_request

pytestmark = pytest.mark.django_db


def test_a_phone_gets_at_most_five_codes_an_hour(client, world, outbox):
    answers = [request_code(client).status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]
    assert len(outbox) == 5


def test_the_refused_code_request_says_so_in_chinese(client, world, outbox, settings):
    settings.PORTAL_CODES_PER_PHONE_HOUR = 1
    request_code(client)

    response = request_code(client)

    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()


def test_an_address_gets_a_limited_number_of_codes_for_any_phones(client, world, outbox, settings):
    settings.PORTAL_CODES_PER_IP_HOUR = 3
    answers = [request_code(client, f"1391234567{n}").status_code for n in range(4)]

    assert answers == [200, 200, 200, 429]


def test_submissions_per_address_are_limited(client, world, service_world, outbox, settings):
    settings.PORTAL_SUBMISSIONS_PER_IP_DAY = 1
    assert report(client, service_world.garbage, area=str(world.grid_a1.pk)).status_code == 302

    response = report(client, service_world.garbage, phone="13912345670", area=str(world.grid_a1.pk))

    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    assert response["Retry-After"]


def test_guessing_tracking_codes_is_limited(client, world, settings):
    settings.PORTAL_LOOKUPS_PER_IP_HOUR = 3
    answers = [client.get(reverse("portal:track", args=[f"GUESS{n}"])).status_code for n in range(4)]

    assert answers == [404, 404, 404, 429]


def _invited(world, service_world, secretary, handler, phone: str = "13800138000"):
    from dangjian.service import services
    from tests.portal import sms

    request_obj = resolved_request(world, service_world, secretary, handler)
    services.invite_rating(request_obj)
    return request_obj, sms.last_rating_token(phone)


def test_five_wrong_rating_proofs_per_request_and_hour_then_429_even_for_the_right_one(
    client, world, service_world, secretary_a, handler_a1, outbox
):
    request_obj, token = _invited(world, service_world, secretary_a, handler_a1)
    level = RatingLevel.objects.filter(is_active=True).first()
    url = reverse("portal:rate", args=[request_obj.tracking_code])
    answers = []
    for guess in ("000001", "000002", "000003", "000004", "000005"):
        answers.append(client.post(url, {"level": level.code, "proof": guess}).status_code)
        cache.clear()  # another app process, with its own cache: the count is in the database

    sixth = client.post(url, {"level": level.code, "proof": token})

    assert answers == [200] * 5
    assert sixth.status_code == 429 and sixth["Retry-After"] == "3600"
    assert "尝试次数过多" in sixth.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.rated_at is None


def test_wrong_rating_proofs_from_one_address_are_limited_across_requests(
    client, world, service_world, secretary_a, handler_a1, outbox, settings
):
    settings.PORTAL_RATE_ATTEMPTS_PER_IP_HOUR = 3
    level = RatingLevel.objects.filter(is_active=True).first()
    requests = [_invited(world, service_world, secretary_a, handler_a1)[0] for _ in range(4)]

    answers = [
        client.post(
            reverse("portal:rate", args=[request_obj.tracking_code]), {"level": level.code, "proof": "000000"}
        ).status_code
        for request_obj in requests
    ]

    assert answers == [200, 200, 200, 429]


def test_rating_codes_sent_to_a_phone_are_limited(
    client, world, service_world, secretary_a, handler_a1, outbox
):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)
    url = reverse("portal:rate_code", args=[request_obj.tracking_code])

    answers = [client.post(url, HTTP_HX_REQUEST="true").status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]
