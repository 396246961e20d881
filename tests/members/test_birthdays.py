"""政治生日: the anniversary windows, the daily greetings and branch reminders, and the page."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import Notification
from dangjian.core.scheduler import registered_jobs
from dangjian.members.birthdays import Anniversary, anniversaries, next_week, send_political_birthday_notices
from dangjian.members.models import PartyMember
from tests.factories import UserFactory
from tests.members.transfers import member_in


def _joined(org, name: str, joined_on: datetime.date) -> PartyMember:
    member = member_in(org, name)
    PartyMember.objects.filter(pk=member.pk).update(joined_on=joined_on)
    member.joined_on = joined_on
    return member


def _names(start, end) -> list[str]:
    return [
        member.person.name
        for member in anniversaries(PartyMember.objects.all(), start, end).select_related("person")
    ]


def test_windows_filter_by_month_and_day_across_the_new_year(world):
    _joined(world.branch_a1, "一月", datetime.date(2001, 1, 5))
    _joined(world.branch_a1, "十二月", datetime.date(1999, 12, 28))
    _joined(world.branch_a1, "三月", datetime.date(2010, 3, 1))
    _joined(world.branch_a1, "今年", datetime.date(2025, 12, 22))  # joined after the window starts

    assert _names(datetime.date(2025, 12, 20), datetime.date(2026, 1, 19)) == ["十二月", "一月"]
    assert _names(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)) == ["三月"]


def test_leap_day_joiners_are_celebrated_on_28_february_in_common_years(world):
    leap = _joined(world.branch_a1, "闰日", datetime.date(2004, 2, 29))

    assert _names(datetime.date(2026, 2, 28), datetime.date(2026, 2, 28)) == ["闰日"]
    assert Anniversary.of(leap, datetime.date(2026, 2, 1)) == Anniversary(
        leap, datetime.date(2026, 2, 28), 22
    )
    assert _names(datetime.date(2028, 2, 28), datetime.date(2028, 2, 28)) == []


def test_the_daily_task_greets_members_and_reminds_branches_once(world):
    today = datetime.date(2026, 7, 1)
    greeted = _joined(world.branch_a1, "党员甲", datetime.date(1996, 7, 1))
    UserFactory(username="member_a", person=greeted.person)
    _joined(world.branch_a1, "无账号", datetime.date(2000, 7, 1))
    monday, _sunday = next_week(today)
    _joined(world.branch_a1, "下周", monday.replace(year=2011))
    _joined(world.branch_b1, "光明下周", (monday + datetime.timedelta(days=2)).replace(year=2016))

    assert send_political_birthday_notices(today) == (1, 2)
    assert send_political_birthday_notices(today) == (0, 0)  # idempotent
    assert send_political_birthday_notices(today + datetime.timedelta(days=1)) == (0, 0)  # same week

    greeting = Notification.objects.get(kind="political_birthday")
    assert greeting.user.username == "member_a"
    assert greeting.title == "政治生日快乐：入党30周年"
    reminder = Notification.objects.get(kind="political_birthday_reminder", org_path=world.branch_a1.path)
    assert reminder.title == "下周有 1 名党员过政治生日"
    assert "下周" in reminder.body and "入党15周年" in reminder.body


def test_the_task_runs_daily_on_the_scheduler(db):
    jobs = {job.name: job for job in registered_jobs()}

    assert jobs["dangjian.members.tasks.political_birthday_notices"].every == datetime.timedelta(days=1)


def test_the_page_lists_this_months_birthdays_of_the_scope_with_the_years(client, world, secretary_a):
    today = timezone.localdate()
    _joined(world.branch_a1, "本月党员", today.replace(year=today.year - 20, day=1))
    _joined(world.branch_b1, "光明党员", today.replace(year=today.year - 10, day=1))
    client.force_login(secretary_a)

    page = client.get(reverse("members:political_birthdays")).content.decode()

    assert "本月党员" in page and "入党20周年" in page
    assert "光明党员" not in page


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:political_birthdays"), {"window": "month"})
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_page_costs_the_same_number_of_queries_for_3_and_30_members(client, world, secretary_a):
    today = timezone.localdate()
    client.force_login(secretary_a)
    for index in range(3):
        _joined(world.branch_a1, f"成员{index}", today.replace(year=2000, day=1))
    with_three = _page_queries(client)
    for index in range(3, 30):
        _joined(world.branch_a1, f"成员{index}", today.replace(year=2000, day=1))

    assert _page_queries(client) == with_three
