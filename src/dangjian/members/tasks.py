"""Background tasks of the members app: the daily expiry of transfer letters (组织关系转接)."""

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
