"""The big screen in a browser, at desktop width and at 375 px: the charts are drawn from the
page's JSON island by the static script (nothing refused by the Content-Security-Policy), the
numbers are links, the page is accessible and never scrolls sideways, and the refresh endpoint
the script polls answers the same figures."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


@pytest.mark.usefixtures("district_admin")
def test_the_district_admin_reads_the_big_screen(any_page, world):
    page = any_page
    log_in(page, "district_admin", PASSWORD)
    page.goto("/dashboard/screen/")
    expect(page.locator("h1")).to_contain_text(world.district_org.name)
    expect(page.locator("#dj-chart-service canvas")).to_have_count(1)
    expect(page.locator("#dj-chart-activities canvas")).to_have_count(1)
    cards = page.locator(".dj-screen-card a.dj-screen-value")
    assert cards.count() >= 8
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)
    shown = page.evaluate(
        """async () => {
            const url = document.getElementById("dj-screen-config").getAttribute("data-url");
            const data = await (await fetch(url, {credentials: "same-origin"})).json();
            return data.figures.length;
        }"""
    )
    assert shown == cards.count()


@pytest.mark.usefixtures("district_admin")
def test_the_grid_map_is_drawn_and_each_grid_opens_its_requests(any_page, world):
    for index, grid in enumerate((world.grid_a1, world.grid_a2)):
        west = 116.40 + index * 0.01
        ring = [[west, 39.9], [west + 0.01, 39.9], [west + 0.01, 39.91], [west, 39.91], [west, 39.9]]
        grid.boundary = {"type": "Polygon", "coordinates": [ring]}
        grid.save()
    page = any_page
    log_in(page, "district_admin", PASSWORD)
    page.goto("/dashboard/screen/")
    grids = page.locator("#dj-screen-map svg a path")
    expect(grids).to_have_count(2)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)
    href = page.locator("#dj-screen-map svg a").first.get_attribute("href")
    assert href.startswith("/service/requests/?figure=received")
