"""An anonymous visitor reaches the residents' portal from / (and from the login page), at
desktop width and at 375 px, without sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.browser


def test_a_visitor_finds_the_portal_from_the_root_and_from_the_login_page(any_page, live_server, db):
    page = any_page
    width = page.viewport_size["width"]

    page.goto("/")
    expect(page.locator("main h1")).to_have_text("智慧党建")
    expect(page.locator("a[data-door=login]")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert_accessible(page)

    page.locator("a[data-door=portal]").click()
    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.locator("a.dj-portal-big")).to_be_visible()

    page.goto("/accounts/login/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    page.locator("main a[data-door=portal]").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
