"""Scheduled work of service posts: claims whose period is over become expired, once a day."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)


@periodic(every=timedelta(days=1))
@task()
def expire_post_claims() -> int:
    """Expire claims past their end and tell their members (idempotent: a second run finds none)."""
    from dangjian.service_posts.services import expire_claims

    count = expire_claims()
    if count:
        logger.info("Expired %s service-post claims.", count)
    return count
