"""Builders for the 我的 tests: a member with a login and records of every kind 我的 shows.

``plant(member, tag, count)`` gives a member ``count`` records of each kind (dues months paid,
held meetings with an attendance reason, claims and service logs, transfer letters), every text
carrying ``tag`` so a page can be searched for another member's records.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import User
from dangjian.dual_reporting.choices import ClaimKind
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog
from dangjian.dues.choices import DuesCategory, PaymentMethod
from dangjian.dues.ledger import add_months, current_month
from dangjian.dues.models import DuesDeclaration, DuesPayment
from dangjian.dues.rules import monthly_dues
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.models import Attendance, Meeting
from dangjian.members.choices import MemberCategory, MemberStatus, TransferState
from dangjian.members.models import PartyMember, Transfer
from dangjian.orgs.models import Area, Organization
from tests.factories import PersonFactory, UserFactory, assign

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


def member_user(
    org: Organization,
    username: str,
    name: str,
    *,
    base: str = "4000",
    status: str = MemberStatus.FULL,
    role: bool = True,
) -> User:
    """A party member of ``org`` with their own login (the party_member role, as the demo
    ``dangyuan`` has; ``role=False`` for a member with no role at all) and this year's base."""
    member = PartyMember.objects.create(
        person=PersonFactory(name=name),
        org=org,
        status=status,
        category=MemberCategory.EMPLOYED,
        joined_on=datetime.date(2010, 5, 20),
        regularized_on=datetime.date(2011, 5, 20) if status == MemberStatus.FULL else None,
    )
    user = UserFactory(username=username, person=member.person, last_name=name[:1], first_name=name[1:])
    if role:
        assign(user, BuiltinRole.PARTY_MEMBER, org)
    declare(member, base)
    return user


def declare(member: PartyMember, base: str, year: int | None = None) -> DuesDeclaration:
    year = year or timezone.localdate().year
    amount = monthly_dues(DuesCategory.EMPLOYED, Decimal(base))
    declaration, _ = DuesDeclaration.objects.update_or_create(
        member=member,
        year=year,
        defaults={
            "category": DuesCategory.EMPLOYED,
            "base": Decimal(base),
            "monthly_amount": amount,
            "declared_on": datetime.date(year, 1, 10),
        },
    )
    return declaration


def pay(member: PartyMember, month: datetime.date, *, paid_on: datetime.date | None = None) -> DuesPayment:
    due = DuesDeclaration.objects.filter(member=member).order_by("-year").first()
    amount = due.monthly_amount if due else Decimal("20.00")
    return DuesPayment.objects.create(
        member=member,
        org=member.org,
        month=month,
        amount_due=amount,
        amount_paid=amount,
        paid_on=paid_on or min(month.replace(day=15), timezone.localdate()),
        method=PaymentMethod.CASH,
    )


def meeting_with(
    members: list[PartyMember],
    title: str,
    *,
    starts_in: datetime.timedelta,
    state: str = MeetingState.PLANNED,
    hours: int = 2,
) -> Meeting:
    """A meeting of the first member's organization expecting exactly ``members``."""
    starts_at = timezone.now() + starts_in
    meeting = Meeting.objects.create(
        org=members[0].org,
        kind=MeetingKind.THEME_DAY,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        state=state,
    )
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=member) for member in members])
    return meeting


def plant(member: PartyMember, tag: str, count: int, *, community: Area | None = None) -> None:
    """``count`` records of every kind 我的 shows, for ``member``; every text carries ``tag``."""
    this_month = current_month()
    for offset in range(count):
        pay(member, add_months(this_month, -offset - 1))
        meeting = meeting_with(
            [member],
            f"{tag}会议{offset}",
            starts_in=-datetime.timedelta(days=offset + 1),
            state=MeetingState.CLOSED,
        )
        Attendance.objects.filter(meeting=meeting).update(
            status=AttendanceStatus.ABSENT_PERSONAL, reason=f"{tag}请假{offset}"
        )
        meeting_with([member], f"{tag}将开{offset}", starts_in=datetime.timedelta(days=offset + 1))
        Transfer.objects.create(
            letter_number=f"{tag}-{offset:03d}",
            member=member,
            from_org=member.org,
            to_org=member.org,
            state=TransferState.RETURNED,
            valid_until=timezone.localdate(),
            initiated_at=timezone.now() - datetime.timedelta(days=offset),
            member_version=1,
        )
    if community is not None:
        report = MemberReport.objects.create(
            member=member,
            community=community,
            reported_on=timezone.localdate() - datetime.timedelta(days=400),
        )
        for offset in range(count):
            claim = Claim.objects.create(
                report=report,
                kind=ClaimKind.POST,
                title=f"{tag}岗位{offset}",
                claimed_on=timezone.localdate() - datetime.timedelta(days=offset),
            )
            ServiceLog.objects.create(
                report=report,
                claim=claim,
                served_on=timezone.localdate() - datetime.timedelta(days=offset),
                hours=Decimal("1.5"),
                description=f"{tag}服务{offset}",
                confirmed_at=timezone.now(),
            )


def secretary_of(org: Organization, username: str = "branch_secretary") -> User:
    user = UserFactory(username=username)
    assign(user, BuiltinRole.ORG_SECRETARY, org)
    return user


def applicant_user(
    world, username: str = "applicant_a", *, until: str = "thought_report", applied_years_ago: float = 0.5
) -> User:
    """An 入党积极分子 of 社区A's grid branch with a login and valid dated steps up to ``until``
    (the first thought report after becoming an activist), recorded through the services."""
    from dangjian.core.models import Person
    from tests.development.helpers import full_members, new_applicant, walk, years_ago

    secretary = User.objects.filter(username="applicant_secretary").first() or secretary_of(
        world.org_a, "applicant_secretary"
    )
    # The branch's voters are made once: the 支部大会 vote of the walk counts 5 of them present.
    members = list(PartyMember.objects.filter(org=world.branch_a1, status=MemberStatus.FULL)) or full_members(
        world.branch_a1
    )
    applicant = new_applicant(world.branch_a1, secretary, applied_on=years_ago(applied_years_ago))
    walk(applicant, secretary, members, until=until)
    Person.objects.filter(pk=applicant.person_id).update(name="陈积极")
    return UserFactory(username=username, person=applicant.person)
