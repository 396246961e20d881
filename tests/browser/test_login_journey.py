"""A staff member signs in, lands on the home page and signs out, at desktop width and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in, log_out

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


def test_secretary_signs_in_lands_on_home_and_signs_out(any_page, live_server, secretary_a):
    page = any_page

    log_in(page, "secretary_a", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main#main")).to_be_visible()
    assert_accessible(page)

    log_out(page)

    expect(page.locator("input[name=password]")).to_be_visible()
    assert_accessible(page)
    # Signed out, / is the landing page: the staff door leads back to the login form.
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/")
    page.locator("a[data-door=login]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_a_wrong_password_keeps_the_person_on_the_login_page_with_a_message(desktop_page, secretary_a):
    page = desktop_page
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill("secretary_a")
    page.locator("input[name=password]").fill("not the password")
    page.locator("form:has(input[name=password]) [type=submit]").click()

    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator(".invalid-feedback, .alert-danger, .errorlist").first).to_be_visible()
    assert "/accounts/login/" in page.url
    assert_accessible(page)
