"""Background tasks of the members app: the daily expiry of transfer letters (组织关系转接) and
the 政治生日 greetings and reminders."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)


@periodic(every=timedelta(days=1))
@task()
def expire_overdue_transfers() -> int:
    """Mark initiated transfer letters past their validity as expired (已超期), once a day.

    Expiry is time-based work, so it runs on the scheduler and never as a side effect of
    someone opening a page; ``expire_transfers`` is idempotent, so a second run changes nothing.
    """
    from dangjian.members.services import expire_transfers

    count = expire_transfers()
    if count:
        logger.info("Expired %s transfer letters past their validity.", count)
    return count


@periodic(every=timedelta(days=1))
@task()
def political_birthday_notices() -> list[int]:
    """Greet members on their 政治生日 and remind branches of next week's, once a day.

    Keyed notifications make a second run of the same day write nothing.
    """
    from django.utils import timezone

    from dangjian.members.birthdays import send_political_birthday_notices

    greetings, reminders = send_political_birthday_notices(timezone.localdate())
    if greetings or reminders:
        logger.info("Sent %s political birthday greetings and %s branch reminders.", greetings, reminders)
    return [greetings, reminders]
