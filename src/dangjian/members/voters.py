"""Who has a vote in an organization on a date: the one answer every vote, quorum and election
count reads (支部大会 on admission and 转正, the 党员大会 quorum, an election's electorate).

应到会有表决权 is every active 正式党员 of the organization, including those recorded in its 党小组
(the whole subtree), minus those without a vote on that date: under 留党察看 or with rights
suspended (选举工作条例 2020 第五条; 发展党员工作细则 第十四条). 预备党员 have no vote.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember, RightsRestriction
from dangjian.orgs.models import Organization


def restricted_on(day: datetime.date) -> Exists:
    """An ``Exists`` true for a member under a restriction in force on ``day``."""
    return Exists(RightsRestriction.objects.in_force_on(day).filter(member=OuterRef("pk")))


def members_with_a_vote(org: Organization, on: datetime.date | None = None) -> QuerySet[PartyMember]:
    """The members with a vote in ``org`` on ``on`` (default today): active 正式党员 of the org and
    of the organizations below it (its 党小组), full members by that date, not restricted then."""
    day = on or timezone.localdate()
    return (
        PartyMember.objects.filter(org__path__startswith=org.path, is_active=True, status=MemberStatus.FULL)
        # A member who became full after the meeting had no vote at it.
        .filter(Q(regularized_on__isnull=True) | Q(regularized_on__lte=day))
        .exclude(restricted_on(day))
    )


def count_with_a_vote(org: Organization, on: datetime.date | None = None) -> int:
    """应到会有表决权: how many members have a vote in ``org`` on ``on``."""
    return members_with_a_vote(org, on).count()


def restricted_ids(member_ids: Iterable[int], on: datetime.date | None = None) -> set[int]:
    """Those of ``member_ids`` under 留党察看 or with rights suspended on ``on``."""
    ids = list(member_ids)
    if not ids:
        return set()
    day = on or timezone.localdate()
    return set(
        RightsRestriction.objects.in_force_on(day)
        .filter(member_id__in=ids)
        .values_list("member_id", flat=True)
    )


def restriction_in_force(member: PartyMember, on: datetime.date | None = None) -> RightsRestriction | None:
    """The member's restriction in force on ``on`` (the latest started), or None."""
    day = on or timezone.localdate()
    return (
        RightsRestriction.objects.in_force_on(day).filter(member=member).order_by("-starts_on", "-id").first()
    )
