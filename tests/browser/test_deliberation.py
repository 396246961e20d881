"""A deliberation end to end on a phone (issue 14 acceptance): a topic raised by a resident is
accepted, the parties invited, an invitee discusses online, the meeting is recorded with its
attendance and decision, a follow-up task is set and its owner reports progress, and the portal
shows the decision with the task's progress to anyone, at 375 px without sideways scrolling.

With ``DANGJIAN_SCREENSHOTS=1`` the pages are saved to ``docs/screenshots/deliberation-*.png``.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.personal import MOBILE, lookup_hash
from dangjian.deliberation import services
from dangjian.deliberation.choices import TaskState, TopicState
from dangjian.deliberation.models import Topic
from tests.browser.helpers import assert_accessible, log_in, log_out
from tests.factories import UserFactory, assign
from tests.mine.helpers import PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page: Page, name: str) -> None:
    if os.environ.get("DANGJIAN_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"deliberation-{name}.png"), full_page=True)


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def _check(page: Page) -> None:
    assert_accessible(page)
    assert_no_sideways_scroll(page)


def test_a_deliberation_runs_from_topic_to_follow_up_visible_on_the_portal(phone_page, world):
    page = phone_page
    secretary = UserFactory(username="shuji", last_name="李", first_name="书记")
    assign(secretary, BuiltinRole.ORG_SECRETARY, world.org_a)
    UserFactory(username="wuye", last_name="王", first_name="经理")
    topic = services.raise_by_resident(
        world.org_a,
        name="王芳",
        phone="13912345678",
        phone_hash=lookup_hash(MOBILE, "13912345678"),
        title="地下车库积水整治",
        description="雨季地下车库反复积水，希望物业和业委会一起商量。",
    )
    detail = reverse("deliberation:topic_detail", kwargs={"pk": topic.pk})

    # The secretary accepts the topic and invites the parties; 物业 takes part online.
    log_in(page, "shuji", PASSWORD)
    page.goto(reverse("deliberation:topic_list"))
    expect(page.locator(f"[data-topic='{topic.pk}']")).to_contain_text("地下车库积水整治")
    _check(page)
    page.goto(detail)
    page.locator(
        f"form[action='{reverse('deliberation:topic_accept', kwargs={'pk': topic.pk})}'] button"
    ).click()
    expect(page.locator(".alert-success").first).to_be_visible()
    for kind, unit, username in [
        ("property", "物业服务中心", "wuye"),
        ("owners_committee", "小区业委会", ""),
    ]:
        page.goto(reverse("deliberation:invitation_add", kwargs={"pk": topic.pk}))
        page.select_option("#id_party_kind", kind)
        page.fill("#id_unit_name", unit)
        page.fill("#id_username", username)
        page.locator("main form button[type=submit]").click()
        expect(page.locator("#invitations + ul")).to_contain_text(unit)
    _check(page)
    screenshot(page, "topic")
    log_out(page)

    # The invitee reads the notice's topic and speaks for the property company.
    log_in(page, "wuye", PASSWORD)
    page.goto(detail)
    page.fill("#id_text", "物业同意一个月内完成排水管改造。")
    page.locator(
        f"form[action='{reverse('deliberation:comment_add', kwargs={'pk': topic.pk})}'] button"
    ).click()
    expect(page.locator("[data-comment]").first).to_contain_text("物业服务中心")
    _check(page)
    log_out(page)

    # The secretary records the meeting with attendance and the decision, and sets a task.
    log_in(page, "shuji", PASSWORD)
    page.goto(reverse("deliberation:meeting_record", kwargs={"pk": topic.pk}))
    held = timezone.localtime() - datetime.timedelta(hours=2)
    page.fill("#id_held_at", held.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "社区议事厅")
    page.fill("#id_decision", "物业一个月内完成排水管改造，业委会监督，社区党委统筹。")
    property_invitation = topic.invitations.get(unit_name="物业服务中心")
    page.check(f"#id_present_{property_invitation.pk}")
    page.fill(f"#id_attendees_{property_invitation.pk}", "王经理")
    _check(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-decision]")).to_contain_text("物业一个月内完成排水管改造")
    page.goto(reverse("deliberation:task_add", kwargs={"pk": topic.pk}))
    page.fill("#id_title", "排水管改造")
    page.select_option("#id_owner_party", "property")
    page.fill("#id_owner_unit", "物业服务中心")
    page.fill("#id_username", "wuye")
    page.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-task]")).to_contain_text("排水管改造")
    log_out(page)

    # The owner reports progress.
    log_in(page, "wuye", PASSWORD)
    task = Topic.objects.get(pk=topic.pk).tasks.get()
    page.goto(reverse("deliberation:task_progress", kwargs={"pk": task.pk}))
    page.fill("#id_progress", "60")
    page.fill("#id_text", "主管道已更换")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(f"[data-task='{task.pk}']")).to_contain_text("60%")
    log_out(page)
    task.refresh_from_db()
    assert (
        task.state == TaskState.IN_PROGRESS and Topic.objects.get(pk=topic.pk).state == TopicState.FOLLOW_UP
    )

    # Anyone sees the decision and the task's progress on the portal; no resident's name or phone.
    page.goto(reverse("deliberation_portal:topic_list"))
    card = page.locator(f"[data-topic='{topic.pk}']")
    expect(card).to_contain_text("物业一个月内完成排水管改造")
    _check(page)
    card.locator("a").first.click()
    expect(page.locator("[data-decision]")).to_contain_text("业委会监督")
    expect(page.locator(f"[data-task='{task.pk}'] [data-progress]")).to_have_text("60%")
    expect(page.locator(f"[data-task='{task.pk}']")).to_contain_text("主管道已更换")
    content = page.content()
    assert "王芳" not in content and "13912345678" not in content
    _check(page)
    screenshot(page, "portal")
