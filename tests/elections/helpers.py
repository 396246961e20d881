"""Builders for the election tests: voters with logins, elections in a given state."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.elections.choices import ElectionKind, ElectionState
from dangjian.elections.models import Candidate, Election
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization
from tests.factories import PersonFactory, UserFactory

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞", "郑涛", "孙丽"]


def add_voters(org: Organization, count: int, status: str = MemberStatus.FULL) -> list[PartyMember]:
    return [
        PartyMember.objects.create(person=PersonFactory(name=NAMES[i % len(NAMES)]), org=org, status=status)
        for i in range(count)
    ]


def voter_user(org: Organization, username: str, status: str = MemberStatus.FULL) -> User:
    """A logged-in party member of ``org`` (no role: voters vote with their own account)."""
    member = PartyMember.objects.create(person=PersonFactory(name="钱投票"), org=org, status=status)
    return UserFactory(username=username, person=member.person)


def link_voter(user: User, org: Organization) -> PartyMember:
    """Make an existing user a full party member of ``org`` (through their person)."""
    if user.person_id is None:
        user.person = PersonFactory(name=f"{user.last_name}{user.first_name}")
        user.save(update_fields=["person"])
    member = PartyMember.objects.filter(person_id=user.person_id).first()
    return member or PartyMember.objects.create(person_id=user.person_id, org=org, status=MemberStatus.FULL)


def election_in(
    org: Organization,
    *,
    state: str = ElectionState.DRAFT,
    seats: int = 3,
    candidates: int = 4,
    title: str = "支部委员会换届选举",
    kind: str = ElectionKind.COMMITTEE,
    starts_in: datetime.timedelta = datetime.timedelta(minutes=-10),
) -> Election:
    """An election written directly (for tables and pages), with candidates among new 正式党员."""
    starts_at = timezone.now() + starts_in
    election = Election.objects.create(
        org=org,
        kind=kind,
        title=title,
        seats=seats,
        term_years=5,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        state=state,
    )
    members = add_voters(org, candidates)
    Candidate.objects.bulk_create(
        [Candidate(election=election, member=member, order=i + 1) for i, member in enumerate(members)]
    )
    if state not in (ElectionState.DRAFT, ElectionState.CONFIRMED):
        election.expected_voters = PartyMember.objects.filter(
            org__path__startswith=org.path, status=MemberStatus.FULL, is_active=True
        ).count()
        election.save(update_fields=["expected_voters"])
    return election
