"""Builders for the 双报到 tests: members living in a community, reports, pairings written directly.

The unit side is 社区B's branch (its members work there) and the community side is 社区A, where
they live; so secretary_a sees a report as the community and secretary_b as the unit.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import User
from dangjian.dual_reporting.models import MemberReport, UnitPairing
from dangjian.members.choices import MemberCategory
from dangjian.members.models import PartyMember, Resident
from dangjian.orgs.models import Area, Organization
from tests.factories import PersonFactory, UserFactory, assign


def member_living_in(org: Organization, home: Area, name: str = "张在职", **fields) -> PartyMember:
    """A party member of ``org`` whose current home is ``home`` (a building or grid)."""
    fields.setdefault("category", MemberCategory.EMPLOYED)
    member = PartyMember.objects.create(person=PersonFactory(name=name), org=org, **fields)
    Resident.objects.create(person=member.person, area=home)
    return member


def member_login(member: PartyMember, username: str) -> User:
    """The member's own account with the party_member role on their branch."""
    user = UserFactory(username=username, person=member.person)
    assign(user, BuiltinRole.PARTY_MEMBER, member.org)
    return user


def report(member: PartyMember, community: Area, *, days_ago: int = 30) -> MemberReport:
    return MemberReport.objects.create(
        member=member,
        community=community,
        reported_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def pairing(unit_org: Organization, community: Area, *, days_ago: int = 400) -> UnitPairing:
    return UnitPairing.objects.create(
        unit_org=unit_org,
        community=community,
        since=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def report_in_a(world) -> MemberReport:
    """A 社区B branch member reporting to 社区A (where they live): both secretaries see it."""
    found = MemberReport.objects.filter(community=world.community_a).first()
    return found or report(member_living_in(world.branch_b1, world.building_a1, "李报到"), world.community_a)


def report_in_b(world) -> MemberReport:
    """Wholly inside 社区B: out of secretary_a's scope."""
    found = MemberReport.objects.filter(community=world.community_b).first()
    return found or report(member_living_in(world.branch_b1, world.grid_b1, "王社区乙"), world.community_b)


def pairing_in_a(world) -> UnitPairing:
    found = UnitPairing.objects.filter(community=world.community_a).first()
    return found or pairing(world.branch_b1, world.community_a)


def pairing_in_b(world) -> UnitPairing:
    found = UnitPairing.objects.filter(community=world.community_b).first()
    return found or pairing(world.branch_b1, world.community_b)
