"""A volunteer scans an activity's QR code on a phone, signs in, checks in and checks out; the
organizer confirms the hours; the volunteer's hours and 时间银行 points show them, and the points
buy a reward (issue 12).

With ``DANGJIAN_SCREENSHOTS=1`` the pages are saved to ``docs/screenshots/activities-*-375.png``.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from playwright.sync_api import Page, expect

from dangjian.activities.models import HoursRecord, PointAccount
from tests.activities.helpers import activity_a, reward_in, signed_up
from tests.browser.helpers import assert_accessible, log_in, log_out
from tests.dual_reporting.helpers import member_living_in, member_login

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("DANGJIAN_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"activities-{name}-375.png"), full_page=True)


def _point_rules() -> None:
    # The rules come from a migration; an earlier transactional test's flush may have emptied them.
    module = importlib.import_module("dangjian.activities.migrations.0002_role_permissions")
    module.seed_rules(apps, SimpleNamespace(connection=connection))


def test_a_qr_check_in_and_check_out_add_confirmed_hours_and_points(phone_page, world, secretary_a):
    _point_rules()
    page = phone_page
    member = member_living_in(world.branch_a1, world.building_a1, "刘志愿")
    member_login(member, "volunteer_a")
    activity = activity_a(world, title="周末清洁家园")
    signed_up(activity, member.person)
    item = reward_in(world.org_a, world.community_a, cost=20, stock=5, name="环保购物袋")
    url = reverse("activities:checkin", kwargs={"pk": activity.pk, "token": activity.check_in_token})

    page.goto(url)  # what the phone's camera opens after scanning
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.locator("input[name=username]").fill("volunteer_a")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.get_by_role("heading", name="周末清洁家园")).to_be_visible()
    assert_accessible(page)
    page.locator("#check-in-button").click()
    expect(page.locator("#checked-in")).to_be_visible()
    screenshot(page, "checkin")
    page.locator("#check-out-button").click()
    expect(page.locator("#checked-out")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(page, "secretary_a", PASSWORD)
    page.goto(reverse("activities:activity_detail", args=[activity.pk]))
    row = page.locator(f"tr[data-signup='{activity.signups.get().pk}']")
    row.locator("input[name=hours]").fill("2.5")
    row.get_by_role("button").click()
    expect(row.locator(".badge.text-bg-success")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(page, "volunteer_a", PASSWORD)
    page.goto(reverse("activities:my_hours"))
    expect(page.locator("#hours-year")).to_have_text(re.compile(r"^2\.5$"))
    expect(page.locator("#my-records")).to_contain_text("周末清洁家园")
    assert_accessible(page)
    page.goto(reverse("activities:my_points"))
    expect(page.locator("#points-balance")).to_have_text("25")
    assert_accessible(page)
    page.locator(f"form[action='{reverse('activities:redeem', args=[item.pk])}'] button").click()
    expect(page.locator("#points-balance")).to_have_text("5")
    screenshot(page, "points")
    assert HoursRecord.objects.get(person=member.person).hours == 2.5
    assert PointAccount.objects.get(person=member.person).balance == 5
