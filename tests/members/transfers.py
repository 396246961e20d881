"""Helpers of the transfer tests: members in the small world and letters between its branches."""

from __future__ import annotations

from dangjian.members.choices import TransferState
from dangjian.members.models import PartyMember, Transfer, transfer_valid_days
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization
from tests.factories import PersonFactory, add_org


def member_in(org: Organization, name: str = "张伟") -> PartyMember:
    return PartyMember.objects.create(person=PersonFactory(name=name), org=org)


def second_branch_b(world) -> Organization:
    """A second branch under 社区B党委, so a letter can stay wholly inside 社区B."""
    return Organization.objects.filter(code="B0002-2").first() or add_org(
        world.org_b, "光明社区第二网格党支部", "B0002-2", OrgKind.BRANCH
    )


def open_transfer(member: PartyMember, to_org: Organization, number: str = "") -> Transfer:
    """An initiated letter written directly (for tests of the deciding side, not of initiation)."""
    import datetime

    from django.utils import timezone

    now = timezone.now()
    return Transfer.objects.create(
        letter_number=number or f"ZJT-{Transfer.objects.count() + 1:06d}",
        member=member,
        from_org=member.org,
        to_org=to_org,
        state=TransferState.INITIATED,
        valid_until=timezone.localdate(now) + datetime.timedelta(days=transfer_valid_days()),
        initiated_at=now,
        member_version=member.version,
    )


def incoming_to_a(world) -> Transfer:
    """A letter from 社区B's branch to 社区A's branch (secretary_a decides it)."""
    return open_transfer(member_in(world.branch_b1, "王芳"), world.branch_a1)


def inside_b(world) -> Transfer:
    """A letter between two branches of 社区B (outside secretary_a's scope)."""
    return open_transfer(member_in(world.branch_b1, "李娜"), second_branch_b(world))
