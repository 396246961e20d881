"""What service posts give 党员积分: one event per calendar month a member held a post.

A claim was held once the community confirmed it (it has a 领岗协议书), from its start to its
end, or to the day it was withdrawn; a claim declined or withdrawn before confirmation was never
held. Each month the holding touches counts once, dated the first day held in that month, with
the id ``<claim>:<YYYY-MM>``; months that have not begun are not posted. One query, streamed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PointEvent, PointSource, register_point_source
from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import Agreement, PostClaim

KEY = "service_posts.held"
ONE = Decimal("1")
HELD_STATES = [ClaimState.CONFIRMED, ClaimState.WITHDRAWN, ClaimState.EXPIRED]


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def held_events(since: datetime.date, until: datetime.date) -> Iterator[PointEvent]:
    until = min(until, timezone.localdate())
    rows = (
        PostClaim.objects.filter(state__in=HELD_STATES, starts_on__lte=until, ends_on__gte=since)
        .filter(Exists(Agreement.objects.filter(claim=OuterRef("pk"))))
        .order_by()
        .values_list("pk", "member__person_id", "starts_on", "ends_on", "ended_on")
    )
    for pk, person_id, starts_on, ends_on, ended_on in rows.iterator(chunk_size=5000):
        last = min(ends_on, ended_on or ends_on, until)
        month = max(starts_on, since).replace(day=1)
        while month <= last:
            # The first day held in the month: the same whatever window asks, so the event is stable.
            first_held = max(month, starts_on)
            if first_held >= since:
                yield PointEvent(person_id, first_held, KEY, f"{pk}:{first_held:%Y-%m}", ONE)
            month = _next_month(month)


SOURCE = register_point_source(PointSource(KEY, _("A month holding a service post"), held_events))
