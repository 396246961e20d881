"""我的 on a phone: the member ``dangyuan`` signs in, opens 我的 from the menu, sees this month's
dues (the amount ``dues.rules.monthly_dues`` gives for their declared base) and checks in to
today's meeting from it. A second test opens every 我的 page at 1280 and 375 px and checks that
none scrolls sideways.

With ``DANGJIAN_SCREENSHOTS=1`` the pages are saved to ``docs/screenshots/mine-<page>-<width>.png``.
"""

from __future__ import annotations

import datetime
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from dangjian.dues.choices import DuesCategory
from dangjian.dues.rules import monthly_dues
from dangjian.life.choices import AttendanceStatus
from dangjian.life.models import Attendance
from tests.browser.helpers import assert_accessible, log_in, open_menu_if_collapsed
from tests.mine.helpers import PASSWORD, applicant_user, meeting_with, member_user, plant

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = ["index", "dues", "meetings", "ballots", "service", "transfers", "development"]


def screenshot(page: Page, name: str, width: str) -> None:
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"mine-{name}-{width}.png"), full_page=True)


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_dangyuan_sees_this_months_dues_and_checks_in_from_mine(phone_page, world):
    page = phone_page
    user = member_user(world.branch_a1, "dangyuan", "王党员", base="6500")
    member = user.person.membership
    other = member_user(world.branch_a1, "member_other", "李他人", base="9000")
    meeting = meeting_with(
        [member, other.person.membership], "今日主题党日", starts_in=datetime.timedelta(minutes=10)
    )

    log_in(page, "dangyuan", PASSWORD)
    open_menu_if_collapsed(page)
    page.locator(f"#dj-nav a[href='{reverse('mine:index')}']").first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mine:index")) + "$"))
    assert_accessible(page)
    assert_no_sideways_scroll(page)

    expected = monthly_dues(DuesCategory.EMPLOYED, Decimal("6500"))
    shown = page.locator("#mine-dues-current")
    expect(shown).to_be_visible()
    assert Decimal(shown.get_attribute("data-amount")) == expected
    expect(shown).to_contain_text(str(expected))

    today = page.locator(f"[data-meeting='{meeting.pk}']")
    expect(today).to_contain_text("今日主题党日")
    today.locator("button.mine-check-in").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("mine:index")) + "$"))
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator(f"[data-meeting='{meeting.pk}'] button.mine-check-in")).to_have_count(0)
    assert_accessible(page)
    row = Attendance.objects.get(meeting=meeting, member=member)
    assert row.status == AttendanceStatus.PRESENT and row.checked_in_at is not None
    assert Attendance.objects.get(meeting=meeting, member=other.person.membership).checked_in_at is None


def test_every_mine_page_fits_the_screen(any_page, world, request):
    page = any_page
    width = request.node.callspec.params["any_page"]
    user = member_user(world.branch_a1, "dangyuan", "王党员", base="6500")
    plant(user.person.membership, "示例", 3, community=world.community_a)
    meeting_with([user.person.membership], "今日主题党日", starts_in=datetime.timedelta(minutes=10))

    log_in(page, "dangyuan", PASSWORD)
    for name in PAGES[:-1]:
        page.goto(reverse(f"mine:{name}"))
        expect(page.locator("h1")).to_be_visible()
        assert_no_sideways_scroll(page)
        screenshot(page, name, width)
    assert_accessible(page)

    applicant_user(world, "shenqingren")
    page.context.clear_cookies()
    log_in(page, "shenqingren", PASSWORD)
    page.goto(reverse("mine:development"))
    expect(page.locator("h1")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "development", width)
