"""What each service figure counts: the one definition shared by the figures, their drill-down lists and the API.

Figures over a period ``[start, end)`` (aware datetimes), following DOMAIN.md:

- ``received``  受理量: requests reported in the period and accepted (not 不予受理, not still waiting);
- ``resolved``  办结量: requests whose 办结 falls in the period (a reopened request is no longer resolved);
- ``on_time``   按时办结: resolved in the period, by the deadline;
- ``early``     提前办结: resolved in the period at least ``margin`` before the deadline;
- ``rated``     rated requests among those resolved in the period;
- ``satisfied`` 满意: rated, and the rating is not a 差评;
- ``overdue``   overdue now: open (not 挂起) and past the deadline at ``now``.

Rates: 按时办结率 = on_time / resolved, 提前办结率 = early / resolved, 满意率 = satisfied / rated.

Also here, because the queue page, the request list's filters and the 工作台 all count them: the
work queue of a user (``queue_q``) and its sections (``section_q``), and the urgency of an open
request (``urgency_q``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from dangjian.core.scoping import ORG, scope_of
from dangjian.service.choices import OPEN_STATES, RequestState

FIGURES = ("received", "resolved", "on_time", "early", "rated", "satisfied", "overdue")


def early_margin() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.SERVICE_EARLY_MARGIN_HOURS)


def figure_q(
    figure: str,
    *,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
    margin: datetime.timedelta | None = None,
) -> Q:
    """The requests behind one figure (period bounds optional: None means open-ended)."""
    if figure == "overdue":
        return Q(
            state__in=[s for s in OPEN_STATES if s != RequestState.SUSPENDED],
            due_at__lt=now or timezone.now(),
        )
    if figure == "received":
        return _period("created_at", start, end) & Q(accepted_at__isnull=False)
    resolved = _period("resolved_at", start, end) & Q(resolved_at__isnull=False)
    if figure == "resolved":
        return resolved
    if figure == "on_time":
        return resolved & Q(resolved_at__lte=F("due_at"))
    if figure == "early":
        return resolved & Q(resolved_at__lte=F("due_at") - (margin if margin is not None else early_margin()))
    if figure == "rated":
        return resolved & Q(rating_is_bad__isnull=False)
    if figure == "satisfied":
        return resolved & Q(rating_is_bad=False)
    raise ValueError(f"unknown figure {figure!r}")


def _period(field: str, start, end) -> Q:
    query = Q()
    if start is not None:
        query &= Q(**{f"{field}__gte": start})
    if end is not None:
        query &= Q(**{f"{field}__lt": end})
    return query


# --- the work queue ------------------------------------------------------------------------------

# The queue page's sections, in its order; "all" is the whole queue.
QUEUE_SECTION_NAMES = ("all", "due_soon", "overdue", "returned", "review", "new")
DISPATCHER_STATES = (
    RequestState.REPORTED,
    RequestState.ACCEPTED,
    RequestState.RETURNED,
    RequestState.FEEDBACK,
)
HANDLER_STATES = (RequestState.DISPATCHED, RequestState.IN_PROGRESS)
DISPATCH = "service.dispatch_request"
HANDLE = "service.handle_request"


def queue_q(user, department_ids: list[int]) -> Q:
    """The user's work: what their organizations or departments handle, and what they dispatch."""
    scope = scope_of(user)
    if scope.is_global:
        return Q(state__in=DISPATCHER_STATES + HANDLER_STATES)
    handle = Q(pk__in=[])
    dispatch = Q(pk__in=[])
    for grant in scope.grants:
        if HANDLE in grant.permissions:
            if grant.tree == ORG:
                handle |= Q(handler_org_path__startswith=grant.path)
            else:
                handle |= Q(handler_org__jurisdiction__path__startswith=grant.path)
        if DISPATCH in grant.permissions:
            if grant.tree == ORG:
                dispatch |= Q(org_path__startswith=grant.path)
            else:
                dispatch |= Q(area_path__startswith=grant.path)
    if department_ids:
        handle |= Q(handler_department_id__in=department_ids)
    return (handle & Q(state__in=HANDLER_STATES)) | (dispatch & Q(state__in=DISPATCHER_STATES))


def due_soon_window() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.SERVICE_REMIND_BEFORE_HOURS)


def section_q(name: str, now: datetime.datetime) -> Q:
    """One section of the work queue (``all``: no condition beyond the queue)."""
    if name == "due_soon":
        return urgency_q("due_soon", now)
    if name == "overdue":
        return figure_q("overdue", now=now)
    if name == "returned":
        return Q(state=RequestState.RETURNED)
    if name == "review":
        return Q(state=RequestState.FEEDBACK)
    if name == "new":
        return Q(state=RequestState.REPORTED, awaiting_location=False)
    if name == "unplaced":
        # Reported with an address only: filed under a community, street or district, so only
        # that node's dispatchers have it in their work (``queue_q``), until one places it.
        return Q(state=RequestState.REPORTED, awaiting_location=True)
    return Q()


URGENCIES = ("overdue", "due_soon", "later")


def urgency_q(name: str, now: datetime.datetime) -> Q:
    """Open requests by urgency: ``overdue`` (past the deadline, not 挂起), ``due_soon`` (the
    deadline within the reminder window) and ``later`` (every other open request, 挂起 ones too)."""
    running = [state for state in OPEN_STATES if state != RequestState.SUSPENDED]
    overdue = Q(state__in=running, due_at__lt=now)
    due_soon = Q(state__in=running, due_at__gte=now, due_at__lte=now + due_soon_window())
    if name == "overdue":
        return overdue
    if name == "due_soon":
        return due_soon
    if name == "later":
        return Q(state__in=OPEN_STATES) & ~overdue & ~due_soon
    raise ValueError(f"unknown urgency {name!r}")


def visited_q(day: datetime.date) -> Q:
    """Requests with a visit in person (最多跑一次) logged on the local day ``day``."""
    from dangjian.service.choices import RequestAction
    from dangjian.service.models import RequestEvent

    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return Q(
        Exists(
            RequestEvent.objects.filter(
                request=OuterRef("pk"),
                action=RequestAction.VISIT,
                created_at__gte=start,
                created_at__lt=start + datetime.timedelta(days=1),
            )
        )
    )
