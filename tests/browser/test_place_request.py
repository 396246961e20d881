"""A request reported with an address only waits in the dispatcher's 待定位 section; the dispatcher
opens it, types the grid's name in the lookup box, picks it, and the request is placed.

Screenshots of the queue section and the request page (desktop and 375 px) go to docs/screenshots/
when ``DANGJIAN_SCREENSHOTS=1`` is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from dangjian.service import services
from dangjian.service.choices import RequestSource
from dangjian.service.models import ServiceRequest
from tests.browser.helpers import assert_accessible, log_in
from tests.service import conftest as service_conftest

pytestmark = pytest.mark.browser
service_world = service_conftest.service_world

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        width = "phone" if page.viewport_size["width"] < 600 else "desktop"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_dispatcher_places_an_address_only_request_by_typing_the_grid(
    any_page, world, service_world, secretary_a
):
    page = any_page
    request_obj = services.submit_request(
        category=service_world.garbage,
        description="12345转来：幸福路8号院门口垃圾堆放三天",
        source=RequestSource.OPEN311,
        area=world.community_a,
        address="幸福路8号院东门",
    )
    log_in(page, "secretary_a", PASSWORD)

    page.goto(reverse("service:queue") + "?section=unplaced")
    expect(page.get_by_text(request_obj.tracking_code)).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    screenshot(page, "request-queue-unplaced")

    page.goto(reverse("service:request_detail", args=[request_obj.pk]))
    box = page.locator("form[action$='/place/'] input[name=area]")
    expect(box).to_be_visible()
    box.press_sequentially("第二网格")
    expect(page.locator(f"datalist option[value='{world.grid_a2.code}']")).to_have_count(1)
    expect(page.locator(f"datalist option[value='{world.grid_b1.code}']")).to_have_count(0)
    assert_accessible(page)
    no_sideways_scroll(page)
    screenshot(page, "request-place")
    box.fill(world.grid_a2.code)
    page.locator("form[action$='/place/'] [type=submit]").click()

    expect(page.locator(".alert-success")).to_be_visible()
    request_obj = ServiceRequest.objects.get(pk=request_obj.pk)
    assert not request_obj.awaiting_location and request_obj.area == world.grid_a2
    expect(page.locator("form[action$='/accept/']")).to_have_count(1)
