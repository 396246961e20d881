"""Background work of the leader mailbox: flag unanswered messages past their deadline and escalate
them, through the platform's one overdue sweep (``core.deadlines.sweep_overdue``, which service
requests use too). ``mark_overdue_messages_now(now)`` takes the clock for tests."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from dangjian.core.deadlines import sweep_overdue
from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)


def mark_overdue_messages_now(now: datetime.datetime | None = None) -> int:
    """Flag messages still waiting for an answer after their N working days, and escalate them."""
    from dangjian.mailbox import services
    from dangjian.mailbox.choices import OPEN_STATES
    from dangjian.mailbox.models import Message

    waiting = Message.objects.select_related("org", "assignee").filter(state__in=list(OPEN_STATES))
    return sweep_overdue(waiting, services.mark_overdue, now or timezone.now())


@periodic(every=datetime.timedelta(minutes=15))
@task()
def mark_overdue_messages() -> int:
    """Every 15 minutes: mark mailbox messages past their answer deadline and escalate them."""
    count = mark_overdue_messages_now()
    if count:
        logger.info("Mailbox messages marked overdue: %s.", count)
    return count
