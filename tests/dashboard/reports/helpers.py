"""A small world for the 党建台账 tests: a member of 幸福社区第一网格党支部 with two meetings, a
payment and an arrears month, an applicant and volunteer hours, all in last year (so every month
of the year is over and arrears are settled), and one of each outside the year or the branch."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from dangjian.activities.choices import HoursSource
from dangjian.activities.models import HoursRecord
from dangjian.development import services as development
from dangjian.development.choices import ApplicantSource
from dangjian.development.models import Applicant
from dangjian.dues.choices import DuesCategory, PaymentMethod
from dangjian.dues.models import DuesDeclaration, DuesPayment
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.models import Attendance, Meeting
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import Post, PostClaim
from tests.factories import PersonFactory


def last_year() -> int:
    return timezone.localdate().year - 1


def at(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour), timezone.get_current_timezone())


def member(
    org, name: str, *, status: str = MemberStatus.FULL, joined_on=datetime.date(2010, 5, 20)
) -> PartyMember:
    return PartyMember.objects.create(
        person=PersonFactory(name=name), org=org, joined_on=joined_on, status=status
    )


def meeting(
    org, title: str, when: datetime.datetime, *, kind=MeetingKind.BRANCH_GENERAL, present=()
) -> Meeting:
    """A closed meeting with minutes; every active member of ``org`` expected, ``present`` present."""
    made = Meeting.objects.create(
        org=org,
        kind=kind,
        title=title,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
        minutes="会议记录",
        state=MeetingState.CLOSED,
        closed_at=when + datetime.timedelta(hours=3),
    )
    for one in PartyMember.objects.filter(org__path__startswith=org.path, is_active=True):
        status = AttendanceStatus.PRESENT if one in present else AttendanceStatus.ABSENT_SICK
        Attendance.objects.create(meeting=made, member=one, status=status)
    return made


def declare(one: PartyMember, year: int, amount: str = "20.00") -> None:
    DuesDeclaration.objects.create(
        member=one,
        year=year,
        category=DuesCategory.EMPLOYED,
        base=Decimal("4000"),
        monthly_amount=Decimal(amount),
        declared_on=datetime.date(year, 1, 10),
    )


def pay(one: PartyMember, month: datetime.date, amount: str = "20.00") -> DuesPayment:
    return DuesPayment.objects.create(
        member=one,
        org=one.org,
        month=month,
        amount_due=Decimal(amount),
        amount_paid=Decimal(amount),
        paid_on=month.replace(day=15),
        method=PaymentMethod.CASH,
    )


def hours(
    one: PartyMember, org, served_on: datetime.date, amount: str, content: str = "助老服务"
) -> HoursRecord:
    return HoursRecord.objects.create(
        person=one.person,
        org=org,
        served_on=served_on,
        content=content,
        hours=Decimal(amount),
        source=HoursSource.MANUAL,
        confirmed_at=timezone.now(),
    )


def applicant(org, by, applied_on: datetime.date, name: str = "入党申请人") -> Applicant:
    person = PersonFactory(name=name, birth_date=datetime.date(1995, 5, 1))
    return development.apply(person, org=org, date=applied_on, source=ApplicantSource.MEMBERS, by=by)


def post_held(one: PartyMember, org, year: int, title: str = "楼道长") -> PostClaim:
    post = Post.objects.create(
        org=org,
        title=title,
        duties="联系楼栋住户",
        starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 12, 31),
    )
    return PostClaim.objects.create(
        post=post,
        member=one,
        state=ClaimState.CONFIRMED,
        starts_on=datetime.date(year, 3, 1),
        ends_on=datetime.date(year, 12, 31),
    )


@dataclass
class LedgerWorld:
    year: int
    member: PartyMember
    probationary: PartyMember
    first_meeting: Meeting
    second_meeting: Meeting
    applicant: Applicant


def small_ledger_world(world, secretary) -> LedgerWorld:
    """One full member (张党员) and one probationary member admitted in March of the year in
    幸福社区第一网格党支部: two meetings (Q2 and Q3), a paid and an unpaid month, an applicant,
    hours and a post; and records that must not show (another year, another community)."""
    year = last_year()
    branch = world.branch_a1
    full = member(branch, "张党员")
    probationary = member(
        branch, "李预备", status=MemberStatus.PROBATIONARY, joined_on=datetime.date(year, 3, 10)
    )
    other = member(world.branch_b1, "王外社")
    first = meeting(branch, "学习党章", at(year, 4, 10), present=[full, probationary])
    second = meeting(
        branch,
        '=HYPERLINK("http://evil.example","点我")',
        at(year, 7, 8),
        kind=MeetingKind.THEME_DAY,
        present=[full],
    )
    meeting(branch, "去年的会", at(year - 1, 5, 5))  # another year
    meeting(world.branch_b1, "光明社区的会", at(year, 5, 5))  # another community
    declare(full, year)
    declare(probationary, year)
    pay(full, datetime.date(year, 1, 1))
    for month in range(3, 13):
        pay(full, datetime.date(year, month, 1))
    for month in range(3, 13):
        pay(probationary, datetime.date(year, month, 1))
    pay(other, datetime.date(year, 1, 1))
    hours(full, branch, datetime.date(year, 6, 1), "3.5")
    hours(full, branch, datetime.date(year, 9, 1), "2.0")
    hours(full, branch, datetime.date(year - 1, 9, 1), "8.0")  # another year
    post_held(full, world.org_a, year)
    made = applicant(branch, secretary, datetime.date(year, 2, 20), name="赵申请")
    return LedgerWorld(year, full, probationary, first, second, made)
