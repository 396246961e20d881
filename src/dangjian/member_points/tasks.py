"""The daily posting of 党员积分 from the registered point sources."""

from __future__ import annotations

import datetime
import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)

# Records are often entered days after the fact (minutes closed late, dues recorded at month's
# end): each run looks back this far, and posting what is already posted changes nothing.
LOOKBACK_DAYS = 62


def post_recent_points_now(today: datetime.date | None = None) -> int:
    from django.utils import timezone

    from dangjian.member_points.services import post_points

    today = today or timezone.localdate()
    return post_points(today - timedelta(days=LOOKBACK_DAYS), today).created


@periodic(every=timedelta(days=1))
@task()
def post_recent_points() -> int:
    """Once a day, post points for the events of the last two months (idempotent)."""
    created = post_recent_points_now()
    if created:
        logger.info("Posted %s member point entries.", created)
    return created
