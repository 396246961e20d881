"""The daily reminders: due and late steps notify the branch once, however often the task runs."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.core.models import Notification
from dangjian.development.tasks import remind_pipeline_steps, send_reminders
from tests.development.data import applicant_in


def test_due_and_late_steps_notify_the_branch_once(world):
    late = applicant_in(world.branch_a1, days_ago=40, name="逾期甲")
    due = applicant_in(world.branch_a1, days_ago=27, name="将到期乙")
    applicant_in(world.branch_a1, days_ago=2, name="未到丙")
    assert send_reminders() == 2
    assert send_reminders() == 0
    notes = {n.kind: n for n in Notification.objects.all()}
    assert set(notes) == {"development_late", "development_due"}
    assert "逾期甲" in notes["development_late"].title and "已逾期" in notes["development_late"].title
    assert "将到期乙" in notes["development_due"].title
    assert notes["development_due"].org_path == world.branch_a1.path
    assert str(late.pk) in notes["development_late"].link and str(due.pk) in notes["development_due"].link


def test_the_periodic_task_runs_the_reminders(world):
    applicant_in(world.branch_a1, days_ago=40)
    assert remind_pipeline_steps.call() == 1
    assert remind_pipeline_steps.call() == 0


def test_a_closed_file_is_not_reminded(world):
    applicant = applicant_in(world.branch_a1, days_ago=40)
    applicant.state = "withdrawn"
    applicant.save()
    assert send_reminders(timezone.localdate() + datetime.timedelta(days=1)) == 0
