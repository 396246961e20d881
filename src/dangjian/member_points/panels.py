"""My points on 我的: this month and this year, my rank in my branch this year, my recent entries."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.periods import Period
from dangjian.core.registry import Panel
from dangjian.member_points.models import PointEntry
from dangjian.member_points.selectors import person_totals, rank_of

RECENT = 5


def my_points(me, user) -> dict | None:
    """Four queries: the totals, the rank within the member's organization (two), the recent entries."""
    member = getattr(me, "member", None)
    if member is None:
        return None
    today = timezone.localdate()
    totals = person_totals(member.person_id, today)
    _total, rank = rank_of(member, member.org, Period.year(today.year))
    recent = list(
        PointEntry.objects.filter(person_id=member.person_id)
        .select_related("rule")
        .order_by("-occurred_on", "-id")[:RECENT]
    )
    return {
        "totals": totals,
        "rank": rank,
        "org": member.org,
        "recent": recent,
        "year": today.year,
    }


MY_POINTS_SECTION = Panel(
    key="member_points",
    title=_("My points"),
    template="member_points/panels/my_points.html",
    provider=my_points,
    order=45,
)
