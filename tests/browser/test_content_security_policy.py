"""Pages still behave under the Content-Security-Policy (issue 15 point 6): scripts only from our
static files, none inline. The Django admin and the API's Swagger UI run their own scripts; the
few behaviours that were inline handlers (ask before marking a member lost, print the dues
sheet, submit a filter when its select changes) are now data attributes wired by app.js.

Every browser test fails on anything the policy refuses (tests/browser/conftest.py), so these
journeys only need to show that what the scripts do happens.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangjian.members.models import PartyMember
from tests.browser.helpers import log_in
from tests.members.ledger_data import make_member

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


def test_the_admin_and_the_api_docs_run_their_scripts(desktop_page, admin):
    page = desktop_page
    log_in(page, "admin", PASSWORD)

    # The permissions picker of a role is built by the admin's SelectFilter2.js.
    page.goto("/admin/accounts/role/add/")
    expect(page.locator(".selector-available").first).to_be_visible()

    # Swagger UI draws the operations from /api/v1/openapi.json with the bundled scripts.
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()


def test_confirm_print_and_filter_behaviours_work_from_data_attributes(desktop_page, world, secretary_a):
    page = desktop_page
    member = make_member(world.branch_a1, "张伟", number=101)
    log_in(page, "secretary_a", PASSWORD)

    # Dismissing the question leaves the member as they were; accepting marks them.
    page.goto(reverse("members:member_detail", kwargs={"pk": member.pk}))
    mark = page.locator("button[data-confirm]")
    page.once("dialog", lambda dialog: dialog.dismiss())
    mark.click()
    expect(mark).to_be_visible()
    member.refresh_from_db()
    assert not member.is_lost_contact
    page.once("dialog", lambda dialog: dialog.accept())
    mark.click()
    expect(page.locator("button[data-confirm]")).to_have_count(0)
    assert PartyMember.objects.get(pk=member.pk).is_lost_contact

    page.goto(reverse("dues:sheet", kwargs={"org_pk": world.branch_a1.pk}))
    page.evaluate("() => { window.print = () => { window.djPrinted = true; }; }")
    page.locator("button[data-print]").click()
    assert page.evaluate("() => window.djPrinted === true")

    page.goto(reverse("service_posts:post_list"))
    page.locator("select[data-autosubmit]").select_option(index=1)
    expect(page).to_have_url(re.compile(r"[?&]state=\w+"))
