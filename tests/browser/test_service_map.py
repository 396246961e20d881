"""The service figures and the grid map in a real browser: a 街道 with a hundred grids draws every
grid as a polygon (Leaflet, no tiles), at 1280 and 375 px, and the figures page works on a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangjian.orgs.choices import AreaKind
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import add_area
from tests.service import conftest as service_conftest
from tests.service.conftest import file_request, square

pytestmark = pytest.mark.browser
service_world = service_conftest.service_world  # the service fixtures live beside the service tests

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password
EXTRA_GRIDS = 97  # with the world's three: a 街道 of a hundred grids


def _street_with_grids(world, service_world) -> int:
    for index in range(EXTRA_GRIDS):
        community = world.community_a if index % 2 else world.community_b
        add_area(
            community,
            f"测试网格{index + 1}",
            f"110105001T{index:03d}",
            AreaKind.GRID,
            boundary=square(116.30 + (index % 10) * 0.01, 39.80 + (index // 10) * 0.01),
        )
    for _ in range(5):
        file_request(world, service_world.garbage, latitude="39.905", longitude="116.405")
    return EXTRA_GRIDS + 3


def _check_map(page, world, grids: int, width: int) -> None:
    page.goto(reverse("service:map") + f"?node={world.street.pk}&figure=received")
    expect(page.locator("main h1")).to_contain_text("网格地图")
    expect(page.locator("#dj-map[data-ready='1']")).to_have_count(1, timeout=10_000)
    assert page.locator("#dj-map path.leaflet-interactive").count() == grids
    expect(page.locator(".dj-legend")).to_be_visible()
    expect(page.locator("#dj-map-status")).to_contain_text(f"{grids} 个网格")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert_accessible(page)


def test_the_grid_map_of_a_street_draws_every_grid_on_a_desktop(
    desktop_page, world, service_world, district_admin
):
    grids = _street_with_grids(world, service_world)
    log_in(desktop_page, "district_admin", PASSWORD)
    _check_map(desktop_page, world, grids, 1280)
    # a grid's popup links to its figures
    desktop_page.locator("#dj-map path.leaflet-interactive").first.click(force=True)
    expect(desktop_page.locator(".leaflet-popup-content a").first).to_be_visible()


def test_the_grid_map_and_the_figures_work_on_a_phone(phone_page, world, service_world, district_admin):
    grids = _street_with_grids(world, service_world)
    log_in(phone_page, "district_admin", PASSWORD)
    _check_map(phone_page, world, grids, 375)
    phone_page.goto(reverse("service:figures") + f"?node={world.street.pk}")
    expect(phone_page.locator("main h1")).to_contain_text("诉求数据统计")
    expect(phone_page.locator("[data-figure-link]")).to_have_count(7)
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert_accessible(phone_page)
