"""Background task of 示范点: once a day, tell the organization department which designations are
due for a re-check (a notification per reviewer, once per designation and due date) and let the
titles lapse whose re-check is overdue beyond the grace period."""

from __future__ import annotations

import datetime
import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)

NOTIFY_DUE = "demonstration.recheck_due"
BATCH = 1000


def remind_rechecks_now(today: datetime.date | None = None) -> int:
    """Notify, for each designation whose re-check is due, the office of its organization — read
    by those holding ``change_designation`` over it (the organization department above); returns
    the notifications written.

    The dedupe key names the designation and its due date, so running again the same day (or the
    next) writes nothing new until a re-check moves the due date.
    """
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext, override

    from dangjian.core.notifications import notify
    from dangjian.demonstration.models import Designation

    today = today or timezone.localdate()
    written = 0
    last_pk = 0
    due = Designation.objects.recheck_due(today).select_related("org").order_by("pk")
    with override("zh-hans"):
        while True:
            batch = list(due.filter(pk__gt=last_pk)[:BATCH])
            if not batch:
                break
            last_pk = batch[-1].pk
            for designation in batch:
                note = notify(
                    kind=NOTIFY_DUE,
                    title=gettext("Re-check due: %(org)s") % {"org": designation.org.name},
                    body=gettext(
                        "The demonstration point %(org)s (%(level)s) is due for its re-check on %(date)s."
                    )
                    % {
                        "org": designation.org.name,
                        "level": designation.get_level_display(),
                        "date": date_format(designation.next_recheck_due, "DATE_FORMAT"),
                    },
                    link=reverse("demonstration:designation_detail", args=[designation.pk]),
                    org=designation.org,
                    permission="demonstration.change_designation",
                    obj=designation,
                    dedupe_key=f"demonstration-recheck:{designation.pk}:{designation.next_recheck_due.isoformat()}",
                )
                written += note is not None
    return written


@periodic(every=timedelta(days=1))
@task()
def remind_rechecks() -> int:
    """Once a day: remind reviewers of due re-checks and let long-overdue titles lapse (idempotent)."""
    from dangjian.demonstration.services import expire_overdue

    expired = expire_overdue()
    count = remind_rechecks_now()
    if count or expired:
        logger.info("Demonstration points: %s re-check reminders, %s titles lapsed.", count, expired)
    return count
