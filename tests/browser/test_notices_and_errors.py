"""A secretary's inbox (unread first, in bold, the badge on 消息提醒), a notice whose record left
her scope, and the error pages, at desktop width and at 375 px: no sideways scrolling, no serious
accessibility violation. Screenshots go to $DANGJIAN_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import Page, expect

from dangjian.core.notifications import mark_read, notify
from tests.browser.helpers import assert_accessible, log_in, open_menu_if_collapsed

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


def _shoot(page: Page, name: str) -> None:
    folder = os.environ.get("DANGJIAN_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_inbox_the_badge_an_explained_notice_and_the_error_pages(any_page, world, secretary_a):
    page = any_page
    permission = "members.view_partymember"
    read = notify(
        kind="test", title="上周的政治生日提醒", org=world.branch_a1, permission=permission, link="/"
    )
    mark_read(secretary_a, read)
    notify(
        kind="dues_six_months",
        title="陈六月已连续6个月未交纳党费",
        body="请尽快与该党员谈话，了解情况。",
        org=world.branch_a1,
        permission=permission,
        link=reverse("members:member_list"),
    )
    moved = notify(
        kind="test",
        title="光明社区第一网格党支部的提醒",
        org=world.branch_a1,
        permission=permission,
        link=f"/orgs/organizations/{world.branch_b1.pk}/",
        obj=world.branch_b1,
    )
    log_in(page, "secretary_a", PASSWORD)

    open_menu_if_collapsed(page)
    badge = page.locator(".dj-nav-badge").first
    expect(badge).to_be_visible()
    assert badge.inner_text().startswith("2")
    page.goto(reverse("core:notification_list"))
    expect(page.locator(".dj-unread")).to_have_count(2)
    expect(page.locator(".list-group-item").last).to_contain_text("上周的政治生日提醒")
    _no_sideways_scroll(page)
    assert_accessible(page)
    _shoot(page, "notifications")

    page.goto(reverse("core:notification_open", args=[moved.pk]))
    expect(page.locator(".alert-info")).to_be_visible()
    _no_sideways_scroll(page)
    assert_accessible(page)
    _shoot(page, "notification-explained")

    page.goto("/no-such-page/")
    expect(page.locator(".dj-error-page h1")).to_be_visible()
    _no_sideways_scroll(page)
    assert_accessible(page)
    _shoot(page, "error-404")

    page.goto(reverse("dual_reporting:report_self"))
    expect(page.locator(".dj-error-page .alert-warning")).to_contain_text("只有党员本人可以报到。")
    _no_sideways_scroll(page)
    assert_accessible(page)
    _shoot(page, "error-403")

    page.goto("/portal/no-such-page/")
    expect(page.locator(".dj-error-page h1")).to_be_visible()
    _no_sideways_scroll(page)
    _shoot(page, "portal-error-404")
