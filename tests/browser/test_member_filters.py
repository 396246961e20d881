"""The member ledger's filters fold away on a phone (closed until opened) and stay open on a desktop."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in
from tests.life.helpers import add_member

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


def test_on_a_phone_the_filters_are_folded_until_the_button_opens_them(phone_page, world, secretary_a):
    for name in ("张伟", "李娜", "王芳"):
        add_member(world.branch_a1, name)
    log_in(phone_page, "secretary_a", PASSWORD)
    phone_page.goto(reverse("members:member_list"))

    panel = phone_page.locator("#dj-member-filters")
    expect(panel).to_be_hidden()
    expect(phone_page.locator("main table tbody tr")).to_have_count(3)
    toggle = phone_page.locator("#dj-member-filters-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert_accessible(phone_page)

    toggle.click()
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    panel.locator("input[name=q]").fill("张伟")
    panel.locator("button[type=submit]").click()

    expect(phone_page.locator("main table tbody tr")).to_have_count(1)
    expect(phone_page.locator("#dj-member-filters")).to_be_hidden()
    expect(phone_page.locator("#dj-member-filters-toggle .badge")).to_have_text("1")
    assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_on_a_desktop_the_filters_are_open_and_need_no_button(desktop_page, world, secretary_a):
    add_member(world.branch_a1, "张伟")
    log_in(desktop_page, "secretary_a", PASSWORD)
    desktop_page.goto(reverse("members:member_list"))

    expect(desktop_page.locator("#dj-member-filters input[name=q]")).to_be_visible()
    expect(desktop_page.locator("#dj-member-filters-toggle")).to_be_hidden()
    assert_accessible(desktop_page)
