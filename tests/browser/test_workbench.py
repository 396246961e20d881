# ruff: noqa: F811 - the service fixtures are imported and used by name
"""Each role logs in and meets its 工作台, at 1280 px and at 375 px: the counts shown equal a
recomputation from the records, a count opens its records, and the phone never scrolls sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in
from tests.service.conftest import department_user, service_world  # noqa: F401 - fixtures, used by name
from tests.workbench.data import build, grid_post, street_secretary
from tests.workbench.expected import expected_meetings, expected_others, expected_sections

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


@pytest.fixture(autouse=True)
def fresh_cache():
    """Aggregates the 工作台 caches for a minute are computed afresh for each test's records."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def _todo_counts(page) -> dict[str, int]:
    return {
        link.get_attribute("data-todo"): int(link.locator(".badge").inner_text())
        for link in page.locator("[data-todo]").all()
    }


def _expected(org) -> dict[str, int]:
    counts = {f"service.{name}": count for name, count in expected_sections(org).items()}
    counts.update(expected_others(org))
    counts.update(expected_meetings(org))
    return {key: count for key, count in counts.items() if count}


def test_a_secretary_sees_counts_equal_to_the_records(any_page, world, service_world, secretary_a):
    build(world, service_world, 6)
    log_in(any_page, "secretary_a", PASSWORD)

    expect(any_page.locator("[data-section=todos]")).to_be_visible()
    shown = {key: count for key, count in _todo_counts(any_page).items() if not key.startswith("core.")}
    shown.pop(None, None)
    assert shown == _expected(world.org_a)
    _no_sideways_scroll(any_page)
    assert_accessible(any_page)

    any_page.locator("[data-todo='members.transfers_in']").click()
    expect(any_page).to_have_url(re.compile(r"/members/transfers/\?.*direction=in"))
    expect(any_page.locator("main table tbody tr")).to_have_count(
        expected_others(world.org_a)["members.transfers_in"]
    )


def test_a_street_sees_its_communities_and_key_figures(any_page, world, service_world):
    build(world, service_world, 6)
    street_secretary(world)
    log_in(any_page, "street_secretary", PASSWORD)

    expect(any_page.locator("[data-card=rollup]")).to_be_visible()
    expect(any_page.locator("[data-card=key-figures]")).to_be_visible()
    wide = any_page.viewport_size["width"] >= 992
    if wide:
        for org in (world.org_a, world.org_b):
            row = any_page.locator(f"[data-card=rollup] tr[data-org='{org.pk}']")
            for key, count in expected_others(org).items():
                cell = row.locator(f"[data-count='{key}']")
                assert (int(cell.inner_text()) if cell.count() else 0) == count, key
    else:
        expect(any_page.locator(f"[data-card=rollup] li[data-org='{world.org_a.pk}']")).to_be_visible()
    _no_sideways_scroll(any_page)
    assert_accessible(any_page)


@pytest.mark.usefixtures("service_world")
def test_a_grid_worker_sees_their_grid(any_page, world, service_world, grid_worker_a):
    build(world, service_world, 6)
    grid_post(grid_worker_a, world.grid_a1)
    log_in(any_page, "grid_worker_a", PASSWORD)

    overdue = any_page.locator("[data-grid] [data-count=overdue] span").first
    expect(overdue).to_be_visible()
    from django.utils import timezone

    from dangjian.service.choices import OPEN_STATES, RequestState
    from dangjian.service.models import ServiceRequest

    now = timezone.now()
    expected = sum(
        1
        for item in ServiceRequest.objects.all()
        if item.area_path.startswith(world.grid_a1.path)
        and item.state in OPEN_STATES
        and item.state != RequestState.SUSPENDED
        and item.due_at < now
    )
    assert int(overdue.inner_text()) == expected
    _no_sideways_scroll(any_page)
    assert_accessible(any_page)


def test_a_department_handler_sees_its_queue(any_page, world, service_world, department_user):
    log_in(any_page, "department_user", PASSWORD)
    expect(any_page.locator("[data-section=todos]")).to_be_visible()
    assert not [key for key in _todo_counts(any_page) if key and not key.startswith("service.")]
    _no_sideways_scroll(any_page)
    assert_accessible(any_page)
