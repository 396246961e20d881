"""A resident writes to the leader mailbox on a 375-px browser, the assignee answers, the resident
sees the answer (issue 14 acceptance).

The resident opens the mailbox page on a phone without an account, verifies the phone with the SMS
code (read from the test SMS backend), and keeps the tracking code; the community secretary assigns
the message to a staff member of the branch below, who signs in on a desktop browser and answers it
on the message's page; the resident gets a text message that says only that the answer is there,
looks the message up with the code and reads the answer. Locators are ids and codes rather than
labels, so the test does not depend on the catalogs' state.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Page, expect

from dangjian.accounts.choices import BuiltinRole
from dangjian.mailbox import services
from dangjian.mailbox.models import Mailbox, Message
from tests.browser.helpers import assert_accessible, log_in
from tests.factories import UserFactory, assign
from tests.portal import sms

pytestmark = pytest.mark.browser

PHONE = "13912345678"
ANSWER = "您好，楼道灯已于今天更换，感谢您的反映。"


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "tests.portal.sms.outbox_backend"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_resident_writes_on_a_phone_the_assignee_answers_and_the_resident_reads_it(
    phone_page, desktop_page, live_server, world, secretary_a, outbox
):
    cache.clear()
    mailbox = Mailbox.objects.create(org=world.org_a, title="幸福社区书记信箱", answer_days=5)
    assignee = UserFactory(username="branch_staff", last_name="周", first_name="干事")
    assign(assignee, BuiltinRole.ORG_STAFF, world.branch_a1)

    # The resident writes, on a phone, without an account.
    page = phone_page
    page.goto(reverse("mailbox_portal:write"))
    no_sideways_scroll(page)
    assert_accessible(page)
    page.locator("#id_mailbox").select_option(str(mailbox.pk))
    page.locator("#id_subject").fill("楼道灯坏了")
    page.locator("#id_text").fill("3号楼2单元楼道灯坏了一个多月，老人晚上上下楼不方便。")
    page.locator("#id_writer_name").fill("张阿姨")
    page.locator("#id_contact_phone").fill(PHONE)
    page.locator("#send-code").click()
    expect(page.locator("#code-status")).to_contain_text("139****5678")
    page.locator("#id_code").fill(sms.last_code(PHONE))
    page.locator("#id_notify_by_sms").check()
    page.locator("#id_agrees_to_publish").check()
    page.locator("#mailbox-form [type=submit]").click()

    expect(page.locator("#tracking-code")).to_be_visible()
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{10}", code)
    no_sideways_scroll(page)
    assert_accessible(page)
    message = Message.objects.get(tracking_code=code)
    assert message.phone_verified and message.writer_phone_masked == "139****5678"

    # The community's secretary assigns it to a staff member of the branch below.
    services.assign_message(message, assignee=assignee, by=secretary_a)

    # The assignee signs in and answers on the message's page.
    staff = desktop_page
    log_in(staff, "branch_staff", "correct horse 9")
    staff.goto(reverse("mailbox:message_detail", args=[message.pk]))
    no_sideways_scroll(staff)
    assert_accessible(staff)
    staff.locator("#id_answer").fill(ANSWER)
    staff.locator(
        f"form[action='{reverse('mailbox:message_answer', args=[message.pk])}'] [type=submit]"
    ).click()
    expect(staff.get_by_text(ANSWER)).to_be_visible()

    # A text message says an answer is there, never what it says.
    texts = [text for to, text in outbox if to == PHONE and code in text]
    assert texts and all("楼道灯" not in text for text in texts)

    # The resident looks the message up with the code and reads the answer.
    page.goto(reverse("mailbox_portal:track_lookup"))
    page.locator("#id_code").fill(code)
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mailbox_portal:track", args=[code])) + "$"))
    expect(page.locator("#answer")).to_contain_text(ANSWER)
    no_sideways_scroll(page)
    assert_accessible(page)
    assert "5678" not in page.content() and "周" not in page.locator("main").inner_text()
