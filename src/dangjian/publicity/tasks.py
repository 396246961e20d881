"""Scheduled work of announcements: tell the members of an announcement published for a later
time once that time has come (idempotent: a notice is claimed once per announcement)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)


@periodic(every=timedelta(minutes=10))
@task()
def notify_due_announcements() -> int:
    from dangjian.publicity.services import notify_due

    count = notify_due()
    if count:
        logger.info("Told the members of %s scheduled announcements.", count)
    return count
