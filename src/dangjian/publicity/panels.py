"""The card on 我的: the member's newest announcements, unread ones first marked."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import Panel
from dangjian.publicity.models import Announcement, Read

SHOWN = 5


def mine_announcements(me, user) -> dict | None:
    member = me.member
    if member is None:
        return None
    announcements = list(
        Announcement.objects.for_member_org(member.org)
        .select_related("org")
        .order_by("-is_pinned", "-publish_at")[:SHOWN]
    )
    if not announcements:
        return None
    read = set(
        Read.objects.filter(
            person_id=member.person_id, announcement_id__in=[a.pk for a in announcements]
        ).values_list("announcement_id", flat=True)
    )
    for announcement in announcements:
        announcement.is_read = announcement.pk in read or not announcement.for_members
    return {"announcements": announcements}


MINE_SECTION = Panel(
    key="publicity",
    title=_("My announcements"),
    template="publicity/panels/mine_announcements.html",
    provider=mine_announcements,
    order=20,
)
