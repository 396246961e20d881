"""The resident rates a resolved request once (好差评), proving it is them by the phone's last four digits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.service.choices import FollowUpState, RequestState
from dangjian.service.models import RatingLevel
from tests.service.conftest import file_request, resolved_request

pytestmark = pytest.mark.django_db


def levels() -> tuple[RatingLevel, RatingLevel]:
    good = RatingLevel.objects.filter(is_bad=False).order_by("order").first()
    bad = RatingLevel.objects.filter(is_bad=True).order_by("order").first()
    return good, bad


def rate(client, request_obj, level: RatingLevel, last4: str = "8000", comment: str = ""):
    return client.post(
        reverse("portal:rate", args=[request_obj.tracking_code]),
        {"level": level.code, "comment": comment, "phone_last4": last4},
    )


def test_the_rating_form_lists_the_levels(client, world, service_world, secretary_a, handler_a1):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)

    page = client.get(reverse("portal:rate", args=[request_obj.tracking_code])).content.decode()

    for level in RatingLevel.objects.filter(is_active=True):
        assert level.name in page
    assert "手机号后四位" in page


def test_resident_rates_a_resolved_request(client, world, service_world, secretary_a, handler_a1):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)
    good, _bad = levels()

    response = rate(client, request_obj, good, comment="处理很快")

    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.RATED
    assert request_obj.rating_level == good.code
    assert request_obj.follow_up_state == FollowUpState.NONE
    page = client.get(response["Location"]).content.decode()
    assert good.name in page and "处理很快" in page


def test_a_second_rating_shows_already_rated(client, world, service_world, secretary_a, handler_a1):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)
    good, bad = levels()
    rate(client, request_obj, good)

    response = rate(client, request_obj, bad)

    assert "已评价" in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.rating_level == good.code
    assert "已评价" in client.get(reverse("portal:rate", args=[request_obj.tracking_code])).content.decode()


def test_a_request_not_yet_resolved_cannot_be_rated(client, world, service_world):
    request_obj = file_request(world, service_world.garbage)
    good, _bad = levels()

    response = rate(client, request_obj, good)

    assert "办结后" in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.rated_at is None


def test_a_stranger_with_only_the_code_cannot_rate(client, world, service_world, secretary_a, handler_a1):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)
    _good, bad = levels()

    response = rate(client, request_obj, bad, last4="1234")

    assert response.status_code == 200
    assert "不是" in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.rated_at is None


def test_a_bad_rating_opens_a_follow_up(client, world, service_world, secretary_a, handler_a1):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)
    _good, bad = levels()

    rate(client, request_obj, bad, comment="垃圾只清了一半")

    request_obj.refresh_from_db()
    assert request_obj.rating_is_bad is True
    assert request_obj.follow_up_state == "open"
