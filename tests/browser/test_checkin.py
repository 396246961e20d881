"""A party member scans a meeting's QR code on a phone, signs in, presses 签到 and is checked in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangjian.life.choices import AttendanceStatus
from dangjian.life.models import Attendance
from tests.browser.helpers import assert_accessible
from tests.life.helpers import member_user, plain_meeting

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


def test_member_checks_in_on_a_phone_by_the_qr_code_link(phone_page, world):
    page = phone_page
    member = member_user(world.branch_a1, "member_a", "张三")
    meeting = plain_meeting(world.branch_a1, "十一月主题党日")
    url = reverse("life:meeting_checkin", kwargs={"pk": meeting.pk, "token": meeting.check_in_token})

    page.goto(url)  # what the phone's camera opens after scanning
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.locator("input[name=username]").fill("member_a")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()

    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.get_by_role("heading", name="十一月主题党日")).to_be_visible()
    assert_accessible(page)
    page.locator("#check-in-button").click()

    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator("#check-in-button")).to_have_count(0)
    assert_accessible(page)
    row = Attendance.objects.get(meeting=meeting, member__person=member.person)
    assert row.status == AttendanceStatus.PRESENT
