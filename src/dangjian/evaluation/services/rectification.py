"""The 整改 plan of a demoted organization: tasks due in working days, marked done."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.scoping import check_perm
from dangjian.core.workdays import add_working_days
from dangjian.evaluation.models import (
    Rectification,
    RectificationTask,
)
from dangjian.evaluation.services.common import (
    _text,
    _today,
    _user,
)

# --- 整改 ---------------------------------------------------------------------------------------


def _locked_plan(plan: Rectification, by) -> Rectification:
    current = Rectification.objects.select_for_update(of=("self",)).select_related("org").get(pk=plan.pk)
    check_perm(by, "evaluation.change_rectification", current)
    return current


def add_task(plan: Rectification, *, by, title: str, owner: str, working_days) -> RectificationTask:
    """A 整改 task with its owner, due the given number of working days from today."""
    with transaction.atomic():
        current = _locked_plan(plan, by)
        if current.completed_at:
            raise RuleViolation(gettext("This plan is complete."), rule="plan_complete")
        title, owner = _text(title), _text(owner)
        if not title or not owner:
            raise RuleViolation(gettext("Give the task and its owner."), rule="task_required", field="title")
        try:
            days = int(working_days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 250:
            raise RuleViolation(
                gettext("Give the deadline as 1 to 250 working days; %(days)s was given.")
                % {"days": working_days},
                rule="working_days",
                field="working_days",
            )
        task = RectificationTask.objects.create(
            plan=current,
            title=title[:200],
            owner=owner[:50],
            working_days=days,
            due_on=add_working_days(_today(), days),
        )
        audit.record(
            AuditAction.CREATE,
            task,
            by=by,
            changes={
                "title": [None, task.title],
                "owner": [None, task.owner],
                "due_on": [None, task.due_on.isoformat()],
            },
        )
    return task


def mark_task_done(task: RectificationTask, *, by) -> RectificationTask:
    """Mark a 整改 task done; the plan is complete when all its tasks are."""
    with transaction.atomic():
        plan = _locked_plan(task.plan, by)
        current = RectificationTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
        if current.done_at:
            raise RuleViolation(gettext("This task is already done."), rule="task_done")
        now = timezone.now()
        RectificationTask.objects.filter(pk=current.pk).update(done_at=now, done_by=_user(by))
        current.refresh_from_db()
        audit.record(AuditAction.UPDATE, current, by=by, changes={"done_at": [None, now.isoformat()]})
        if not plan.tasks.filter(done_at__isnull=True).exists():
            Rectification.objects.filter(pk=plan.pk).update(completed_at=now)
            audit.record(AuditAction.UPDATE, plan, by=by, changes={"completed_at": [None, now.isoformat()]})
    return current
