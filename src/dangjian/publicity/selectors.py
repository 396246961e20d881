"""Reading announcements: what a member reads, the read rate of one announcement and of an
organization's subtree over a period (the figure), and the members who have not read."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse

from dangjian.core.periods import Period
from dangjian.members.models import PartyMember
from dangjian.publicity.choices import MEMBER_AUDIENCES, AnnouncementState, Audience
from dangjian.publicity.models import Announcement, Read
from dangjian.publicity.services import audience_members


def own_member(user) -> PartyMember | None:
    """The signed-in user's active membership (remembered on the user object for the request)."""
    person_id = getattr(user, "person_id", None) if getattr(user, "is_authenticated", False) else None
    if not person_id:
        return None
    memo = user.__dict__.setdefault("_publicity_member", {})
    if "member" not in memo:
        memo["member"] = (
            PartyMember.objects.filter(person_id=person_id, is_active=True).select_related("org").first()
        )
    return memo["member"]


def is_member(user) -> bool:
    return own_member(user) is not None


def for_member(user) -> QuerySet[Announcement]:
    """Live announcements the signed-in user reads as a member (none without an active membership)."""
    member = own_member(user)
    if member is None:
        return Announcement.objects.none()
    return Announcement.objects.for_member_org(member.org)


def unread_members(announcement: Announcement) -> QuerySet[PartyMember]:
    read = Read.objects.filter(announcement=announcement).values("person_id")
    return audience_members(announcement).exclude(person_id__in=read)


def read_counts(announcement: Announcement) -> tuple[int, int]:
    """(members of the audience who read it, members of the audience)."""
    audience = audience_members(announcement)
    total = audience.count()
    read = Read.objects.filter(announcement=announcement, person_id__in=audience.values("person_id")).count()
    return read, total


def published_in(period: Period) -> Q:
    return Q(
        state__in=[AnnouncementState.PUBLISHED, AnnouncementState.WITHDRAWN],
        publish_at__date__gte=period.start,
        publish_at__date__lt=period.end,
        audience__in=MEMBER_AUDIENCES,
    )


def figure_announcements(node, period: Period) -> QuerySet[Announcement]:
    """Member announcements of ``node``'s subtree published in ``period`` (withdrawn ones count:
    members were asked to read them)."""
    return Announcement.objects.filter(published_in(period), org__path__startswith=node.path)


def read_rate(node, period: Period) -> float | None:
    """读取率: reads of the subtree's member announcements in the period over the members they
    addressed (a member counts once per announcement); None when nothing was addressed.

    Three queries: the announcements, the active members by organization, the reads.
    """
    announcements = list(figure_announcements(node, period).values("pk", "audience", "org__path"))
    if not announcements:
        return None
    members = Counter(
        PartyMember.objects.filter(is_active=True, org__path__startswith=node.path).values_list(
            "org__path", flat=True
        )
    )
    addressed = 0
    for row in announcements:
        if row["audience"] == Audience.ORG:
            addressed += members.get(row["org__path"], 0)
        else:
            addressed += sum(count for path, count in members.items() if path.startswith(row["org__path"]))
    if not addressed:
        return None
    reads = Read.objects.filter(announcement_id__in=[row["pk"] for row in announcements]).count()
    return min(1.0, reads / addressed)


def records_url(node, period: Period) -> str:
    query = {"org": node.pk, "from": period.start.isoformat(), "to": period.end.isoformat()}
    return f"{reverse('publicity:announcement_list')}?{urlencode(query)}"
