"""Background tasks of the development pipeline: the daily reminders of due and late steps."""

from __future__ import annotations

import datetime
import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)


def send_reminders(today: datetime.date | None = None) -> int:
    """Notify each branch of its applicants' steps due within the step's reminder days, and of
    late steps (past a deadline); returns how many notifications were written.

    Each notification carries a dedupe key of applicant, step and date, so running twice (or
    every day until the step is recorded) writes each reminder once.
    """
    from django.db.models import Max
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.translation import gettext

    from dangjian.core.notifications import notify
    from dangjian.development.choices import OPEN_STATES
    from dangjian.development.models import Applicant, StepDefinition
    from dangjian.development.rules import fmt

    today = today or timezone.localdate()
    horizon = StepDefinition.objects.aggregate(days=Max("reminder_days"))["days"] or 0
    applicants = (
        Applicant.objects.filter(
            state__in=OPEN_STATES,
            next_due_on__isnull=False,
            next_due_on__lte=today + timedelta(days=horizon),
        )
        .select_related("person", "org", "next_step")
        .order_by("id")
    )
    written = 0
    for applicant in applicants.iterator(chunk_size=500):
        step = applicant.next_step
        if step is None:
            continue
        due = applicant.next_due_on
        link = reverse("development:applicant_detail", args=[applicant.pk])
        values = {"name": applicant.person.name, "step": step.name, "date": fmt(due)}
        if applicant.next_due_is_deadline and due < today:
            kind, key = "development_late", f"development-late:{applicant.pk}:{step.code}:{due.isoformat()}"
            title = gettext("Late: “%(step)s” of %(name)s was due by %(date)s") % values
        elif due - timedelta(days=step.reminder_days) <= today:
            kind, key = "development_due", f"development-due:{applicant.pk}:{step.code}:{due.isoformat()}"
            if applicant.next_due_is_deadline:
                title = gettext("Due: “%(step)s” of %(name)s by %(date)s") % values
            else:
                title = gettext("Due: “%(step)s” of %(name)s can be recorded from %(date)s") % values
        else:
            continue
        written_notice = notify(
            kind=kind,
            title=title,
            link=link,
            org=applicant.org,
            # The applicant's page: the committee's, not every member's of the branch.
            permission="development.view_applicant",
            obj=applicant,
            dedupe_key=key,
        )
        if written_notice is not None:
            written += 1
    return written


@periodic(every=timedelta(days=1))
@task()
def remind_pipeline_steps() -> int:
    """Daily reminders of the pipeline's due and late steps to each branch (never on page load)."""
    count = send_reminders()
    if count:
        logger.info("Wrote %s development pipeline reminders.", count)
    return count
