"""The portal's status page, opened by anyone holding a tracking code, at 1280 and 375 px: a public
request's text redacted with its community, a private one's progress only; no sideways scroll.

Screenshots go to docs/screenshots/portal-track-{public,private}-{desktop,phone}.png when
``DANGJIAN_SCREENSHOTS=1`` is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible
from tests.service import conftest as service_fixtures
from tests.service.planted import PRIVATE_MARK, leaks, plant_both, resolve

pytestmark = pytest.mark.browser

service_world = service_fixtures.service_world
handler_a1 = service_fixtures.handler_a1

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_anyone_with_the_code_sees_the_request_reduced(
    any_page, world, service_world, secretary_a, handler_a1
):
    page = any_page
    cache.clear()
    width = page.viewport_size["width"]
    kind = "phone" if width < 500 else "desktop"
    both = plant_both(world, service_world)
    resolve(both.public, world, secretary_a, handler_a1)
    resolve(both.private, world, secretary_a, handler_a1)

    page.goto(reverse("portal:track", args=[both.public.tracking_code]))
    expect(page.get_by_role("heading", name="已办结")).to_be_visible()
    expect(page.locator("#request-description")).to_contain_text("请联系 *** 或座机 ***")
    expect(page.get_by_text(world.community_a.name)).to_be_visible()
    assert leaks(page.content()) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"portal-track-public-{kind}.png"), full_page=True)

    page.goto(reverse("portal:track", args=[both.private.tracking_code]))
    expect(page.get_by_role("heading", name="已办结")).to_be_visible()
    expect(page.locator("#request-private")).to_be_visible()
    content = page.content()
    assert leaks(content) == [] and PRIVATE_MARK not in content and "邻里纠纷" not in content
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"portal-track-private-{kind}.png"), full_page=True)
