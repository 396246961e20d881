"""A service post on a phone (issue 12 acceptance): a member claims a post from 我的, the
community's secretary confirms it, and the 领岗协议书 is on the residents' portal with the holder
named masked. A second journey shows the post page at desktop width with its holders.

With ``DANGJIAN_SCREENSHOTS=1`` the pages are saved to ``docs/screenshots/service-posts-*.png``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from dangjian.accounts.choices import BuiltinRole
from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import Agreement, PostClaim, ResidentNote
from tests.browser.helpers import assert_accessible, log_in, log_out
from tests.factories import UserFactory, assign
from tests.mine.helpers import PASSWORD
from tests.service_posts.helpers import confirmed, member_of, post_at

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"service-posts-{name}.png"), full_page=True)


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def _secretary(world):
    user = UserFactory(username="shuji", last_name="李", first_name="书记")
    assign(user, BuiltinRole.ORG_SECRETARY, world.org_a)
    return user


def test_a_member_claims_a_post_the_community_confirms_and_the_agreement_is_on_the_portal(phone_page, world):
    page = phone_page
    post = post_at(world.org_a, "楼道文明引导岗", places=2)
    member, _user = member_of(world.branch_a1, "张先锋", username="xianfeng")
    _secretary(world)

    # The member claims the post from 我的.
    log_in(page, "xianfeng", PASSWORD)
    page.goto(reverse("mine:index"))
    section = page.locator("[data-section='service-posts']")
    section.locator(f"a[href='{reverse('service_posts:post_claim', kwargs={'pk': post.pk})}']").click()
    expect(page.locator("h1")).to_contain_text("楼道文明引导岗")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mine:index")) + "$"))
    claim = PostClaim.objects.get(post=post, member=member)
    expect(page.locator(f"[data-section='service-posts'] [data-claim='{claim.pk}']")).to_be_visible()
    log_out(page)

    # The community's secretary confirms it on the post's page.
    log_in(page, "shuji", PASSWORD)
    page.goto(reverse("service_posts:post_detail", kwargs={"pk": post.pk}))
    row = page.locator(f"[data-claim='{claim.pk}']")
    expect(row).to_contain_text("张先锋")
    assert_accessible(page)
    row.locator(
        f"form[action='{reverse('service_posts:claim_confirm', kwargs={'pk': claim.pk})}'] button"
    ).click()
    expect(page.locator(".alert-success").first).to_be_visible()
    claim.refresh_from_db()
    assert claim.state == ClaimState.CONFIRMED
    agreement = Agreement.objects.get(claim=claim)
    log_out(page)

    # A resident, not signed in, finds the agreement on the portal: the holder named masked.
    page.goto(reverse("portal:index"))
    page.locator(f"a[href='{reverse('service_posts_portal:post_list')}']").click()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    link = page.locator(
        f"a[href='{reverse('service_posts_portal:agreement', kwargs={'code': agreement.code})}']"
    )
    expect(link).to_contain_text("张**")
    link.click()
    expect(page.locator("main")).to_contain_text(agreement.number)
    expect(page.locator("[data-holder]")).to_have_text("张**")
    expect(page.locator("main")).not_to_contain_text("张先锋")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "agreement-portal-375")


def test_the_post_page_shows_holders_agreements_and_comments_at_desktop_width(desktop_page, world):
    page = desktop_page
    secretary = _secretary(world)
    post = post_at(world.org_a, "助老服务岗", places=3, duties="每月走访结对独居老人不少于两次，代购代办。")
    _claim, agreement = confirmed(post, member_of(world.branch_a1, "王先锋")[0], secretary)
    member_two, _user = member_of(world.branch_a1, "陈党员")
    PostClaim.objects.create(post=post, member=member_two, starts_on=post.starts_on, ends_on=post.ends_on)
    ResidentNote.objects.create(
        claim=agreement.claim, author_name="刘芳", phone_hash="x", text="王老师很热心。"
    )

    log_in(page, "shuji", PASSWORD)
    page.goto(reverse("service_posts:post_detail", kwargs={"pk": post.pk}))
    expect(page.locator("main")).to_contain_text(agreement.number)
    expect(page.locator("main")).to_contain_text("王老师很热心")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "post-1280")
