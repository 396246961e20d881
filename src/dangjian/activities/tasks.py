"""Background work of the activities app: posting points for hours without them (idempotent)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)


@periodic(every=timedelta(hours=1))
@task()
def post_pending_points() -> int:
    """Points for hours records that have none yet (back-filled 双报到 hours, a rule added later);
    running it again writes nothing."""
    from dangjian.activities.services import points

    posted = points.post_pending_points()
    if posted:
        logger.info("Posted points for %s hours records", posted)
    return posted
