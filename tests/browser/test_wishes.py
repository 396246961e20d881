"""A 微心愿 on a phone (issue 12): a resident makes a wish on the portal with the SMS code (read
from the test SMS backend), the community's secretary publishes it (社区下单), a party member
claims it from the portal's wish list (党员接单) and records its fulfilment with a proof text and
a photo, and the resident confirms it on the portal with the tracking code, seeing the photo.

With ``DANGJIAN_SCREENSHOTS=1`` the pages are saved to ``docs/screenshots/wishes-<step>-375.png``.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from dangjian.volunteering.choices import WishState
from dangjian.volunteering.models import Wish
from tests.browser.helpers import assert_accessible, log_in, log_out
from tests.mine.helpers import PASSWORD
from tests.portal import sms
from tests.service_posts.helpers import member_of
from tests.volunteering.lists.helpers import grant_list_permissions

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = "13987654321"


def screenshot(page: Page, step: str) -> None:
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"wishes-{step}-375.png"), full_page=True)


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def jpeg(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 60, 50)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "tests.portal.sms.outbox_backend"
    sms.OUTBOX.clear()
    cache.clear()  # the portal's rate limits
    yield sms.OUTBOX
    sms.OUTBOX.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_wish_is_made_published_claimed_fulfilled_with_a_photo_and_confirmed(
    phone_page, world, secretary_a, outbox, media, tmp_path
):
    page = phone_page
    grant_list_permissions()
    member_of(world.branch_a1, "周党员", username="zhoudangyuan")

    # 居民点单: the resident makes the wish on the portal, proving the phone with the SMS code.
    page.goto(reverse("volunteering:public_wish_list"))
    assert_accessible(page)
    page.locator(f"a[href='{reverse('volunteering:public_wish_submit')}']").first.click()
    expect(page.locator("h1")).to_be_visible()
    page.locator("#id_title").fill("给孙子买一个新书包")
    page.locator("#id_description").fill("孙子今年上一年级，想要一个新书包。")
    page.locator("#id_area").select_option(value=str(world.grid_a1.pk))
    page.locator("#id_name").fill("张阿姨")
    page.locator("#id_contact_phone").fill(PHONE)
    page.locator("button[hx-post]").click()
    expect(page.locator("#code-status")).to_contain_text("139****4321")
    page.locator("#id_code").fill(sms.last_code(PHONE))
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "submit")
    page.locator("main form button[type=submit]").click()
    wish = Wish.objects.get(title="给孙子买一个新书包")
    assert wish.state == WishState.SUBMITTED
    expect(page.locator("main")).to_contain_text(wish.tracking_code)
    expect(page.locator("main")).to_contain_text(wish.get_state_display())
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "submitted")

    # 社区下单: the community's secretary publishes it from the wish's page.
    log_in(page, "secretary_a", PASSWORD)
    page.goto(reverse("volunteering:wish_detail", kwargs={"pk": wish.pk}))
    expect(page.locator("h1")).to_contain_text("给孙子买一个新书包")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    page.locator(f"a[href='{reverse('volunteering:wish_publish', kwargs={'pk': wish.pk})}']").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    wish.refresh_from_db()
    assert wish.state == WishState.PUBLISHED
    expect(page.locator("h1")).to_contain_text(wish.get_state_display())
    assert_no_sideways_scroll(page)
    screenshot(page, "published")
    log_out(page)

    # 党员接单: a party member claims it from the portal's wish list.
    log_in(page, "zhoudangyuan", PASSWORD)
    page.goto(reverse("volunteering:public_wish_list"))
    expect(page.locator("main")).to_contain_text("给孙子买一个新书包")
    expect(page.locator("main")).not_to_contain_text("张阿姨")  # shown masked
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "wish-list")
    page.locator(f"a[href='{reverse('volunteering:wish_claim', kwargs={'pk': wish.pk})}']").click()
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("volunteering:my_wishes")) + "$"))
    wish.refresh_from_db()
    assert wish.state == WishState.CLAIMED
    expect(page.locator("main")).to_contain_text(wish.get_state_display())
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "claimed")

    # The member records the fulfilment with a proof text and a photo.
    page.locator(f"a[href='{reverse('volunteering:wish_fulfil', kwargs={'pk': wish.pk})}']").click()
    page.locator("#id_proof").fill("6月1日把新书包送到张阿姨家，孙子很喜欢。")
    page.locator("#id_photos").set_input_files(str(jpeg(tmp_path / "书包.jpg")))
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "fulfil")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("volunteering:my_wishes")) + "$"))
    wish.refresh_from_db()
    assert wish.state == WishState.FULFILLED and wish.photos.count() == 1
    expect(page.locator("main")).to_contain_text(wish.get_state_display())
    expect(page.locator("main")).to_contain_text("孙子很喜欢")
    log_out(page)

    # The resident follows the wish with its code, sees the proof and the photo, and confirms.
    page.goto(reverse("volunteering:public_wish_lookup"))
    page.locator("#id_code").fill(wish.tracking_code)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("volunteering:public_wish_track", args=[wish.tracking_code])) + "$")
    )
    expect(page.locator("main")).to_contain_text("孙子很喜欢")
    photo = page.locator("main img.img-thumbnail")
    expect(photo).to_have_count(1)
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 640
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "fulfilled")
    page.locator("#id_note").fill("谢谢周党员！")
    page.locator("form:has(input[value=confirm]) button[type=submit]").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    wish.refresh_from_db()
    assert wish.state == WishState.CONFIRMED
    expect(page.locator("main")).to_contain_text(wish.get_state_display())
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "confirmed")
