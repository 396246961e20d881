"""The service figures and the grid map in a real browser: a 街道 with a hundred grids draws every
grid as a polygon (Leaflet, no tiles), at 1280 and 375 px, and the figures page works on a phone."""

from __future__ import annotations

import itertools

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


def _range(text: str) -> tuple[float, float | None]:
    """A legend row as (from, to): "0" → (0, 0), "1–4" → (1, 4), "≥ 10" → (10, None)."""
    text = text.strip()
    if text.startswith("≥"):
        return float(text[1:].strip()), None
    low, _dash, high = text.partition("–")
    return float(low), float(high or low)


def _check_legend(page) -> None:
    """The legend is headed by the figure in Chinese and its ranges do not overlap."""
    expect(page.locator(".dj-legend strong")).to_have_text("受理量")
    expect(page.locator(".dj-legend")).to_contain_text("无数据")
    ranges = [_range(text) for text in page.locator(".dj-legend [data-range]").all_inner_texts()]
    assert ranges
    for (low, high), (next_low, _next_high) in itertools.pairwise(ranges):
        assert high is not None and low <= high < next_low, ranges


def _check_map(page, world, grids: int, width: int) -> None:
    page.goto(reverse("service:map") + f"?node={world.street.pk}&figure=received")
    expect(page.locator("main h1")).to_contain_text("网格地图")
    expect(page.locator("#dj-map[data-ready='1']")).to_have_count(1, timeout=10_000)
    assert page.locator("#dj-map path.leaflet-interactive").count() == grids
    expect(page.locator(".dj-legend")).to_be_visible()
    _check_legend(page)
    # Leaflet's zoom buttons carry Chinese tooltips.
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "放大")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "缩小")
    expect(page.locator("#dj-map-status")).to_contain_text(f"{grids} 个网格")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert_accessible(page)


def _check_names(page) -> None:
    """Zoomed in, the grids in view carry their names."""
    for _ in range(6):
        if page.locator(".dj-grid-name").count():
            break
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    expect(page.locator(".dj-grid-name span").first).to_be_visible()
    assert all(
        name.startswith(("测试网格", "幸福社区", "光明社区"))
        for name in page.locator(".dj-grid-name").all_inner_texts()
    )


def test_the_legend_ranges_of_counts_and_rates_meet_without_overlapping(
    desktop_page, world, service_world, district_admin
):
    log_in(desktop_page, "district_admin", PASSWORD)
    desktop_page.goto(reverse("service:map") + f"?node={world.street.pk}")
    expect(desktop_page.locator("#dj-map[data-ready='1']")).to_have_count(1, timeout=10_000)

    counts = desktop_page.evaluate("() => djMapScale.ranges([0, 0, 0, 1, 2, 4, 5, 7, 9, 10, 12, 30], false)")
    rates = desktop_page.evaluate("() => djMapScale.ranges([0.5, 0.8, 0.85, 0.9, 0.95, 1], true)")
    single = desktop_page.evaluate("() => djMapScale.ranges([3, 3, 3], false)")

    assert counts[0]["from"] == 0
    for ranges, step in ((counts, 1), (rates, 0.001)):
        for current, following in itertools.pairwise(ranges):
            assert round(following["from"] - current["to"], 3) == step, ranges
        assert ranges[-1]["to"] is None
    assert single == [{"from": 3, "to": 3}]


def test_the_grid_map_of_a_street_draws_every_grid_on_a_desktop(
    desktop_page, world, service_world, district_admin
):
    grids = _street_with_grids(world, service_world)
    log_in(desktop_page, "district_admin", PASSWORD)
    # At 1280 px the figures' tables show every column.
    desktop_page.goto(reverse("service:figures") + f"?node={world.street.pk}")
    assert desktop_page.locator("table.dj-figure-table").first.locator("thead th:visible").count() == 8
    _check_map(desktop_page, world, grids, 1280)
    # a grid's popup links to its figures
    desktop_page.locator("#dj-map path.leaflet-interactive").first.click(force=True)
    expect(desktop_page.locator(".leaflet-popup-content a").first).to_be_visible()
    _check_names(desktop_page)


def test_the_grid_map_and_the_figures_work_on_a_phone(phone_page, world, service_world, district_admin):
    grids = _street_with_grids(world, service_world)
    log_in(phone_page, "district_admin", PASSWORD)
    _check_map(phone_page, world, grids, 375)
    _check_names(phone_page)
    phone_page.goto(reverse("service:figures") + f"?node={world.street.pk}")
    expect(phone_page.locator("main h1")).to_contain_text("诉求数据统计")
    expect(phone_page.locator("[data-figure-link]")).to_have_count(7)
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 375
    # The breakdown tables keep 满意率, 办理时长 and 当前超期 in view without sideways scrolling.
    table = phone_page.locator("table.dj-figure-table").first
    headers = [text.strip() for text in table.locator("thead th:visible").all_inner_texts()]
    assert headers[1:] == ["满意率", "平均办理时长（工作小时）", "当前超期"], headers
    assert table.locator("tbody tr").first.locator("td:visible").count() == 3
    for region in phone_page.locator("div.table-responsive:has(table.dj-figure-table)").all():
        assert region.evaluate("element => element.scrollWidth <= element.clientWidth"), (
            "a table scrolls sideways"
        )
    assert_accessible(phone_page)
