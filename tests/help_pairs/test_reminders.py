"""Overdue-visit reminders: the helper is told once per overdue period; the staff see the to-do."""

from __future__ import annotations

import datetime

from dangjian.core.models import Notification
from dangjian.core.registry import registry, todos_for
from dangjian.help_pairs import services
from dangjian.help_pairs.tasks import remind_overdue_visits_now
from tests.factories import PersonFactory
from tests.help_pairs.helpers import member_helper, pair, today


def test_the_reminder_is_a_daily_periodic_job():
    from dangjian.core.scheduler import registered_jobs

    names = {job.name: job for job in registered_jobs()}
    job = names["dangjian.help_pairs.tasks.remind_overdue_visits"]
    assert job.every == datetime.timedelta(days=1)
    assert "help_pairs" in registry["todo_sources"]


def test_an_overdue_helper_is_reminded_once_per_overdue_period(world, secretary_a):
    helper_user = member_helper(world)
    overdue = pair(
        helper_user.person, world.grid_a1, world.org_a, since_days=90, interval=30, last_visit_days=40
    )
    pair(helper_user.person, world.grid_a1, world.org_a, since_days=20, interval=60)  # not due yet

    assert remind_overdue_visits_now() == 1
    note = Notification.objects.get()
    assert note.user == helper_user and str(overdue.pk) in note.link

    # Running again the same day, or the next day, writes nothing.
    assert remind_overdue_visits_now() == 0
    assert remind_overdue_visits_now(today() + datetime.timedelta(days=1)) == 0

    # A visit starts a new period; once that one is overdue, one new reminder.
    services.log_visit(overdue, by=helper_user, visited_on=today(), findings="看望")
    assert remind_overdue_visits_now() == 0
    assert remind_overdue_visits_now(today() + datetime.timedelta(days=31)) == 1
    assert Notification.objects.count() == 2


def test_ended_pairs_and_helpers_without_an_account_get_no_reminder(world, secretary_a):
    ended = pair(PersonFactory(name="无账号"), world.grid_a1, world.org_a, since_days=90, interval=30)
    helper_user = member_helper(world)
    finished = pair(helper_user.person, world.grid_a1, world.org_a, since_days=90, interval=30)
    services.end_pair(finished, by=secretary_a)

    assert remind_overdue_visits_now() == 0
    assert ended.is_overdue()


def test_staff_see_overdue_pairs_of_their_scope_on_the_workbench(world, secretary_a, secretary_b):
    pair(PersonFactory(name="甲"), world.grid_a1, world.org_a, since_days=90, interval=30)
    pair(PersonFactory(name="乙"), world.grid_a1, world.org_a, since_days=10, interval=30)
    pair(PersonFactory(name="丙"), world.grid_b1, world.org_b, since_days=90, interval=30)

    mine = [item for item in todos_for(secretary_a) if item.key == "help_pairs.overdue"]
    assert [item.count for item in mine] == [1]
    assert "overdue=1" in mine[0].url
    others = [item for item in todos_for(secretary_b) if item.key == "help_pairs.overdue"]
    assert [item.count for item in others] == [1]
