"""Background tasks of the shared mechanisms: checks that keep the working-day calendar complete."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)


@periodic(every=timedelta(days=1))
@task()
def check_calendar_years() -> list[int]:
    """Warn admins daily about years whose holidays and 调休 days have not been entered.

    The State Council publishes next year's holiday arrangement each November; until an
    admin enters it, deadlines counted in working days fall back to the statutory holidays
    and miss the make-up days. The task only reads and logs, so running it twice is harmless.
    """
    from dangjian.core.workdays import missing_calendar_years

    years = sorted(missing_calendar_years())
    if years:
        logger.warning(
            "Holidays and make-up working days are missing for %s: an administrator must enter "
            "them from the State Council notice (admin → Calendar years → Enter a whole year).",
            ", ".join(str(year) for year in years),
        )
    return years
