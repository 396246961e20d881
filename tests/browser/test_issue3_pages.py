"""Issue 3's main pages in a real browser at phone width (375 px) and on a desktop: each opens
from the menu's sections with its Chinese heading, does not scroll sideways on a phone, and has
no serious or critical accessibility findings (axe-core)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in
from tests.life.helpers import add_member

pytestmark = pytest.mark.browser

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password

# (URL name, kwargs from the world, Chinese text the page shows)
PAGES = [
    ("members:member_list", lambda world: {}, "党员"),
    ("development:board", lambda world: {}, "发展党员看板"),
    ("dues:sheet", lambda world: {"org_pk": world.branch_a1.pk}, "党费收缴表"),
    ("life:compliance", lambda world: {}, "三会一课落实情况"),
    ("dual_reporting:community", lambda world: {"pk": world.community_a.pk}, "双报到"),
    ("members:political_birthdays", lambda world: {}, "政治生日"),
    ("elections:election_list", lambda world: {}, "换届选举"),
    ("core:notification_list", lambda world: {}, "消息提醒"),
]


def _visit_all(page, world, width: int) -> None:
    member = world.branch_a1.members.order_by("id").first()
    pages = [*PAGES, ("members:member_detail", lambda world: {"pk": member.pk}, member.person.name)]
    for name, kwargs, text in pages:
        page.goto(reverse(name, kwargs=kwargs(world)))
        expect(page.locator("main h1").first).to_contain_text(text)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
        assert_accessible(page)


def test_the_issue_3_pages_work_on_a_phone(phone_page, world, secretary_a):
    for name in ("张伟", "李娜", "王芳"):
        add_member(world.branch_a1, name)
    log_in(phone_page, "secretary_a", PASSWORD)
    _visit_all(phone_page, world, 375)


def test_the_issue_3_pages_work_on_a_desktop(desktop_page, world, secretary_a):
    add_member(world.branch_a1, "张伟")
    log_in(desktop_page, "secretary_a", PASSWORD)
    _visit_all(desktop_page, world, 1280)
