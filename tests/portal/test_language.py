"""The portal speaks zh-Hans by default and zh-Hant when the resident switches."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from dangjian.service.models import RatingLevel
from tests.service.conftest import file_request, resolved_request

pytestmark = pytest.mark.django_db


def test_the_portal_is_in_simplified_chinese_by_default(client, world):
    page = client.get(reverse("portal:index")).content.decode()

    assert "反映问题" in page
    assert 'lang="zh-hans"' in page
    assert "繁體" in page  # the switch offers the other script


def test_the_language_switch_shows_traditional_chinese(client, world, service_world):
    request_obj = file_request(world, service_world.garbage)
    response = client.post(reverse("set_language"), {"language": "zh-hant", "next": reverse("portal:index")})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"

    index = client.get(reverse("portal:index")).content.decode()
    track = client.get(reverse("portal:track", args=[request_obj.tracking_code])).content.decode()

    assert "反映問題" in index
    assert 'lang="zh-hant"' in index
    assert "简体" in index
    assert "已收到" in track and "查詢編號" in track


def test_rating_levels_are_shown_in_the_readers_script_and_language(
    client, world, service_world, secretary_a, handler_a1
):
    request_obj = resolved_request(world, service_world, secretary_a, handler_a1)
    RatingLevel.objects.filter(code="fairly_satisfied").update(name="还行吧")  # renamed by an admin
    rate_url = reverse("portal:rate", args=[request_obj.tracking_code])

    simplified = client.get(rate_url).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hant", "next": rate_url})
    traditional = client.get(rate_url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": rate_url})
    english = client.get(rate_url).content.decode()

    assert "非常满意" in simplified and "还行吧" in simplified
    assert "非常滿意" in traditional and "還行吧" in traditional and "非常满意" not in traditional
    assert "Very satisfied" in english and "还行吧" in english  # an admin's own name stays as entered
