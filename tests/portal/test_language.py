"""The portal speaks zh-Hans by default and zh-Hant when the resident switches."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.service.conftest import file_request

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
