"""The member history sections of organizational life: meetings attended and 民主评议 results.

Registered from ``LifeConfig.ready()``; each provider costs one or two queries whatever the
length of the member's history (the latest rows, with a link to the full list).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import scope_of
from dangjian.life.choices import AttendanceStatus
from dangjian.life.models import Attendance, DemocraticReview
from dangjian.members.history import HistorySection, register_history_section
from dangjian.members.models import PartyMember

LATEST = 10


def meetings_attended(member: PartyMember, user) -> HistorySection | None:
    """The member's latest meetings (expected or attended) and their attendance rate."""
    if not scope_of(user).has_perm("life.view_meeting", org_path=member.org.path):
        return None
    rows = list(
        Attendance.objects.visible_to(user, "life.view_meeting")
        .filter(member=member)
        .select_related("meeting__org")
        .order_by("-meeting__starts_at", "-id")[:LATEST]
    )
    totals = (
        Attendance.objects.visible_to(user, "life.view_meeting")
        .filter(member=member)
        .exclude(status="")
        .aggregate(recorded=Count("id"), present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)))
    )
    return HistorySection(
        template="life/history_meetings.html",
        context={"attendances": rows, "recorded": totals["recorded"], "present": totals["present"]},
        more_url=reverse("life:meeting_list") + f"?org={member.org_id}" if len(rows) == LATEST else "",
    )


def review_results(member: PartyMember, user) -> HistorySection | None:
    """The member's 民主评议 grades, latest year first."""
    if not scope_of(user).has_perm("life.view_democraticreview", org_path=member.org.path):
        return None
    reviews = list(
        DemocraticReview.objects.visible_to(user)
        .filter(member=member)
        .select_related("org", "meeting")
        .order_by("-year", "-id")[:LATEST]
    )
    if not reviews:
        return None
    return HistorySection(template="life/history_reviews.html", context={"reviews": reviews})


def register() -> None:
    register_history_section("meetings", _("Meetings attended"), meetings_attended, order=40)
    register_history_section("reviews", _("Democratic review results"), review_results, order=45)
