"""Each portal page's title names the page once and the portal once ("居民服务 · 居民服务" was
the front page's title): no segment of a title repeats."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.service.conftest import file_request

pytestmark = pytest.mark.django_db


def _title(client, url: str) -> list[str]:
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    return [part.strip() for part in re.search(r"<title>(.*?)</title>", page, re.S).group(1).split("·")]


def test_the_portal_front_page_title_is_the_portals_name_once(client, world):
    assert _title(client, reverse("portal:index")) == ["居民服务"]


def test_no_portal_page_repeats_a_part_of_its_title(client, world, service_world):
    request_obj = file_request(world, service_world.garbage)
    urls = [
        reverse("portal:index"),
        reverse("portal:submit"),
        reverse("portal:track_lookup"),
        reverse("portal:track", args=[request_obj.tracking_code]),
        reverse("portal:track", args=["NOSUCHCODE"]),
        reverse("portal:rate", args=[request_obj.tracking_code]),
    ]
    for url in urls:
        parts = _title(client, url)
        assert len(parts) == len(set(parts)), (url, parts)
        assert parts[-1] == "居民服务", (url, parts)
