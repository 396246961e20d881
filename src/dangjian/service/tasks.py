"""Background work on service requests: deadline reminders, overdue marking and escalation, 吹哨 deadlines,
rating invitations and archiving, each on its own period (``dangjian worker`` runs them).

Every job walks the requests it concerns in batches by primary key (an indexed keyset, so memory
stays bounded however many requests there are) and hands each to the service function that
changes it; those claim their row with a conditional update, so running a job twice, or in two
workers at once, changes nothing the second time. The ``*_now(now)`` functions take the clock
as an argument for tests; the tasks take none, as the scheduler calls them.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task

from dangjian.core.deadlines import BATCH_SIZE as BATCH_SIZE  # the batch size, for tests
from dangjian.core.deadlines import in_batches, sweep_overdue
from dangjian.core.errors import RuleViolation
from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)

EVERY_QUARTER_HOUR = datetime.timedelta(minutes=15)


def _requests() -> QuerySet:
    from dangjian.service.models import ServiceRequest

    return ServiceRequest.objects.select_related("org", "handler_org", "handler_department")


def remind_due_requests_now(now: datetime.datetime | None = None) -> int:
    """Remind the handlers of requests due within ``SERVICE_REMIND_BEFORE_HOURS``; returns how many."""
    from dangjian.service import services
    from dangjian.service.choices import RequestState as S

    now = now or timezone.now()
    window = datetime.timedelta(hours=settings.SERVICE_REMIND_BEFORE_HOURS)
    due_soon = _requests().filter(
        state__in=[S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED],
        reminded_at__isnull=True,
        due_at__gt=now,
        due_at__lte=now + window,
    )
    return sum(services.send_deadline_reminder(request_obj, now=now) for request_obj in in_batches(due_soon))


def mark_overdue_requests_now(now: datetime.datetime | None = None) -> int:
    """Flag open requests past their deadline (the clock stands still while 挂起) and escalate them."""
    from dangjian.service import services
    from dangjian.service.choices import OPEN_STATES
    from dangjian.service.choices import RequestState as S

    now = now or timezone.now()
    running = _requests().filter(state__in=[state for state in OPEN_STATES if state != S.SUSPENDED])
    return sweep_overdue(running, services.mark_overdue, now)


def mark_overdue_whistles_now(now: datetime.datetime | None = None) -> int:
    """Flag 吹哨 calls whose department did not 报到 within its limit."""
    from dangjian.service import services
    from dangjian.service.choices import WhistleState
    from dangjian.service.models import WhistleCall

    now = now or timezone.now()
    late = WhistleCall.objects.select_related("request__org", "department").filter(
        state=WhistleState.CALLED, report_due_at__lt=now
    )
    return sum(services.mark_whistle_overdue(call, now=now) for call in in_batches(late))


def invite_ratings_now(now: datetime.datetime | None = None) -> int:
    """Invite residents to rate requests resolved ``SERVICE_RATING_INVITE_DAYS`` ago or more, once."""
    from dangjian.service import services
    from dangjian.service.choices import RequestState as S

    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.SERVICE_RATING_INVITE_DAYS)
    waiting = _requests().filter(state=S.RESOLVED, rating_invited_at__isnull=True, resolved_at__lte=since)
    return sum(services.invite_rating(request_obj, now=now) for request_obj in in_batches(waiting))


def archive_old_requests_now(now: datetime.datetime | None = None) -> int:
    """归档: rated requests (unless a 差评 follow-up is still open), and requests resolved unrated or
    not accepted ``SERVICE_ARCHIVE_AFTER_DAYS`` ago or more."""
    from dangjian.service import services
    from dangjian.service.choices import FollowUpState
    from dangjian.service.choices import RequestState as S

    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.SERVICE_ARCHIVE_AFTER_DAYS)
    closable = _requests().filter(
        (Q(state=S.RATED) & ~Q(follow_up_state=FollowUpState.OPEN))
        | Q(state=S.RESOLVED, resolved_at__lte=before)
        # A request not accepted changes no more; its last change was the refusal.
        | Q(state=S.REJECTED, updated_at__lte=before)
    )
    archived = 0
    for request_obj in in_batches(closable):
        try:
            services.archive_request(request_obj, now=now, system=True)
        except RuleViolation:
            continue  # changed since the batch was read (reopened, say): not ours to archive now
        archived += 1
    return archived


def _run(name: str, count: int) -> int:
    if count:
        logger.info("%s: %s request(s).", name, count)
    return count


@periodic(every=EVERY_QUARTER_HOUR)
@task()
def remind_due_requests() -> int:
    """Every 15 minutes: remind handlers of requests due soon (once per deadline)."""
    return _run("Deadline reminders sent", remind_due_requests_now())


@periodic(every=EVERY_QUARTER_HOUR)
@task()
def mark_overdue_requests() -> int:
    """Every 15 minutes: mark requests past their deadline and escalate them to the superior organization."""
    return _run("Marked overdue and escalated", mark_overdue_requests_now())


@periodic(every=EVERY_QUARTER_HOUR)
@task()
def mark_overdue_whistles() -> int:
    """Every 15 minutes: flag departments that did not 报到 in time after a 吹哨."""
    return _run("吹哨 calls not reported in time", mark_overdue_whistles_now())


@periodic(every=datetime.timedelta(hours=1))
@task()
def invite_ratings() -> int:
    """Hourly: invite residents to rate requests resolved a few days ago."""
    return _run("Rating invitations sent", invite_ratings_now())


@periodic(every=datetime.timedelta(days=1))
@task()
def archive_old_requests() -> int:
    """Daily: archive rated, long-resolved and long-refused requests."""
    return _run("Archived", archive_old_requests_now())
