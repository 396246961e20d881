"""A grid worker on patrol, on a phone: opens 我的网格, reports a problem in a category, sees the
tracking code, then opens the grid's households (masked) for a visit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dangjian.core.models import Person
from dangjian.members.models import Resident
from dangjian.service.choices import RequestSource
from dangjian.service.models import ServiceRequest
from tests.browser.helpers import assert_accessible, log_in, open_menu_if_collapsed
from tests.service.conftest import service_world  # noqa: F401 - the fixture, used by name

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.usefixtures("service_world", "grid_worker_a")
def test_grid_worker_reports_a_problem_from_the_phone(phone_page, world):
    page = phone_page
    neighbour = Person(name="张大爷")
    neighbour.mobile = "13812345678"
    neighbour.save()
    Resident.objects.create(person=neighbour, area=world.building_a1, household="3单元502")
    log_in(page, "grid_worker_a", PASSWORD)

    open_menu_if_collapsed(page)
    page.get_by_role("link", name="我的网格").click()
    expect(page.get_by_role("heading", name="我的网格")).to_be_visible()
    expect(page.get_by_role("heading", name="幸福社区第一网格")).to_be_visible()
    _no_sideways_scroll(page)
    assert_accessible(page)

    page.get_by_role("link", name="上报").first.click()
    expect(page.get_by_role("heading", name="巡查上报")).to_be_visible()
    _no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_label("类别").select_option(label="市容环境 · 路灯维修")
    page.get_by_label("反映什么问题？").fill("3号楼门前路灯不亮")
    page.get_by_role("button", name="提交上报").click()

    expect(page).to_have_url(re.compile(r"/service/grid/$"))
    request_obj = ServiceRequest.objects.get(description="3号楼门前路灯不亮")
    assert request_obj.source == RequestSource.PATROL and request_obj.area == world.grid_a1
    expect(page.locator(".alert-success")).to_contain_text(request_obj.tracking_code)
    expect(page.get_by_text("3号楼门前路灯不亮")).to_be_visible()
    assert_accessible(page)

    # 走访: the grid's households, masked, on the same phone.
    page.get_by_role("link", name="走访").first.click()
    expect(page.get_by_role("heading", name="住户")).to_be_visible()
    expect(page.get_by_text("138****5678")).to_be_visible()
    _no_sideways_scroll(page)
    assert_accessible(page)
