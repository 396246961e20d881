"""Builders for the tests of 留党察看 and suspended rights: a branch spread over 党小组, a member
under 留党察看 from a date."""

from __future__ import annotations

import datetime
import itertools

from dangjian.members.choices import MemberStatus, RestrictionKind
from dangjian.members.models import PartyMember, RightsRestriction
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization
from tests.factories import PersonFactory, add_org

_codes = itertools.count(1)


def full_member(org: Organization, **fields) -> PartyMember:
    """An active 正式党员 of ``org``, full since 2001 (so they had a vote at any meeting of the tests)."""
    values = {
        "status": MemberStatus.FULL,
        "joined_on": datetime.date(2000, 1, 1),
        "regularized_on": datetime.date(2001, 1, 1),
        **fields,
    }
    return PartyMember.objects.create(
        person=PersonFactory(birth_date=datetime.date(1970, 1, 1)), org=org, **values
    )


def party_groups(branch: Organization, sizes: list[int]) -> list[list[PartyMember]]:
    """党小组 under ``branch`` with ``sizes`` full members each; their members per group."""
    groups = []
    for index, size in enumerate(sizes, start=1):
        group = add_org(branch, f"{branch.name}第{index}党小组", f"G{next(_codes):04d}", OrgKind.GROUP)
        groups.append([full_member(group) for _ in range(size)])
    return groups


def under_probation(
    member: PartyMember, *, starts_on: datetime.date, ends_on: datetime.date | None = None
) -> RightsRestriction:
    """Put ``member`` under 留党察看 (written directly; the service has its own tests)."""
    return RightsRestriction.objects.create(
        member=member,
        kind=RestrictionKind.PROBATION_WITHIN_PARTY,
        starts_on=starts_on,
        ends_on=ends_on or starts_on + datetime.timedelta(days=3650),
        decision_number="和纪〔2025〕3号",
        decision_organ="中共和平街道工作委员会",
    )
