"""Background task of the dues app: the daily notice of members reaching six unpaid months."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic
from dangjian.core.workbench import SNAPSHOT_EVERY

logger = logging.getLogger(__name__)


@periodic(every=timedelta(days=1))
@task()
def six_month_arrears_notices() -> int:
    """Notify branches of members who reached six months in a row of unpaid dues, once a day.

    Arrears grow with the calendar, not with anyone's action, so this runs on the scheduler;
    keyed notifications make a second run write nothing.
    """
    from dangjian.dues.notices import notify_six_month_arrears

    count = notify_six_month_arrears()
    if count:
        logger.info("Notified branches of %s members with six months of unpaid dues.", count)
    return count


@periodic(every=SNAPSHOT_EVERY)
@task()
def refresh_arrears_snapshot() -> int:
    """Recount the arrears of every organization for the wide 工作台 (dues.snapshot)."""
    from dangjian.dues.snapshot import refresh_arrears_snapshot as refresh

    return refresh()
