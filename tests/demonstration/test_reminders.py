"""示范点 re-checks falling due: the daily job tells the organization department once per due
date, the 工作台 counts them, and a title lapses when its re-check is overdue beyond the grace."""

from __future__ import annotations

from django.urls import reverse

from dangjian.core.models import Notification
from dangjian.core.registry import todos_for
from dangjian.demonstration import services
from dangjian.demonstration.models import Designation
from dangjian.demonstration.tasks import remind_rechecks, remind_rechecks_now
from tests.demonstration.helpers import designation


def _todo(user):
    return next((item for item in todos_for(user) if item.key == "demonstration.recheck_due"), None)


def test_a_due_recheck_reaches_the_department_once_and_shows_as_a_todo(
    client, world, district_admin, secretary_a
):
    due = designation(world, world.org_a, since_days=400, due_in_days=-5)
    designation(world, world.org_b, since_days=30, due_in_days=300)

    assert remind_rechecks_now() == 1
    assert remind_rechecks_now() == 0  # the same due date is not told twice
    note = Notification.objects.get()
    assert reverse("demonstration:designation_detail", args=[due.pk]) == note.link

    todo = _todo(district_admin)
    assert todo is not None and todo.count == 1
    client.force_login(district_admin)
    listed = client.get(todo.url)
    assert [row.pk for row in listed.context["page"]] == [due.pk]
    # A secretary does not re-check: no to-do for her.
    assert _todo(secretary_a) is None

    # Re-checked: no longer due, and nothing new to tell.
    services.record_recheck(
        due,
        by=district_admin,
        results={item.pk: (True, "") for item in due.standard_set.items.all()},
        outcome="keep",
    )
    assert _todo(district_admin) is None  # nothing due: the line is gone
    assert remind_rechecks_now() == 0


def test_the_daily_job_lets_a_long_overdue_title_lapse(world):
    lapsing = designation(world, world.org_a, since_days=600, due_in_days=-(services.EXPIRY_GRACE_DAYS + 5))
    remind_rechecks.call()
    lapsing.refresh_from_db()
    assert lapsing.state == "expired"
    assert not Designation.objects.active().exists()
