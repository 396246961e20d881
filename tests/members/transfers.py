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


# A valid ID number (GB 11643 check digit) for letters from outside the system.
ID_NUMBER = "110105198001011238"
OTHER_ID_NUMBER = "110105199002152344"


def incoming_fields(world, **overrides) -> dict:
    """Arguments of ``register_incoming_letter`` for a full member coming to 社区A's branch."""
    import datetime

    fields = {
        "to_org": world.branch_a1,
        "external_org_name": "中共某省某市某街道工作委员会",
        "external_letter_number": "外组-2026-017",
        "name": "周敏",
        "gender": "female",
        "ethnicity": "回族",
        "id_number": ID_NUMBER,
        "birth_date": datetime.date(1980, 1, 1),
        "status": "full",
        "joined_on": datetime.date(2005, 7, 1),
        "regularized_on": datetime.date(2006, 7, 1),
    }
    fields.update(overrides)
    return fields


def open_outgoing(member: PartyMember, external_org_name: str = "中共外省某委员会") -> Transfer:
    """An open letter to an organization outside the system, written directly."""
    import datetime

    from django.utils import timezone

    from dangjian.members.choices import TransferDirection

    now = timezone.now()
    return Transfer.objects.create(
        letter_number=f"ZJT-{Transfer.objects.count() + 1:06d}",
        direction=TransferDirection.OUTGOING,
        member=member,
        from_org=member.org,
        external_org_name=external_org_name,
        valid_until=timezone.localdate(now) + datetime.timedelta(days=transfer_valid_days()),
        initiated_at=now,
        member_version=member.version,
    )


def outgoing_from_a(world) -> Transfer:
    """An open letter from 社区A's branch to the outside (secretary_a records its receipt)."""
    return open_outgoing(member_in(world.branch_a1, "孙强"))


def outgoing_inside_b(world) -> Transfer:
    """An open letter from 社区B's branch to the outside (outside secretary_a's scope)."""
    return open_outgoing(member_in(world.branch_b1, "钱进"))
