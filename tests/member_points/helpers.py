"""Builders for the 党员积分 tests: records of the other apps written directly (a meeting attended,
confirmed hours, a month's dues, a post held) and the default-like rule table.

Everything happens in March 2026, a month that is over, so the tests do not depend on today."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from dangjian.activities.choices import HoursSource
from dangjian.activities.models import HoursRecord
from dangjian.dues.models import DuesPayment
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.models import Attendance, Meeting
from dangjian.member_points.models import PointRule
from dangjian.members.models import PartyMember
from dangjian.service_posts.choices import ClaimState, PostKind
from dangjian.service_posts.models import Agreement, Post, PostClaim
from tests.factories import PersonFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH = datetime.date(2026, 3, 1)
D = Decimal


def member(org, name: str) -> PartyMember:
    return PartyMember.objects.create(person=PersonFactory(name=name), org=org)


def rules(active_from: datetime.date = datetime.date(2026, 1, 1)) -> dict[str, PointRule]:
    made = {}
    for key, name, rate, cap in [
        ("life.attendance", "参加三会一课", D("2"), D("10")),
        ("activities.hours", "志愿服务时长", D("1"), D("20")),
        ("dues.on_time", "按时交纳党费", D("2"), None),
        ("service_posts.held", "在岗服务", D("3"), None),
    ]:
        made[key] = PointRule.objects.create(
            source_key=key, name=name, points_per_unit=rate, monthly_cap=cap, active_from=active_from
        )
    return made


def meeting(org, day: datetime.date, *, kind=MeetingKind.THEME_DAY, state=MeetingState.CLOSED) -> Meeting:
    starts = datetime.datetime.combine(day, datetime.time(9), tzinfo=SHANGHAI)
    return Meeting.objects.create(
        org=org,
        kind=kind,
        title="主题党日",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        state=state,
    )


def attend(made: Meeting, who: PartyMember, status=AttendanceStatus.PRESENT) -> Attendance:
    return Attendance.objects.create(meeting=made, member=who, status=status)


def hours(
    who: PartyMember, day: datetime.date, amount: str, *, corrects: HoursRecord | None = None
) -> HoursRecord:
    return HoursRecord.objects.create(
        person=who.person,
        org=who.org,
        served_on=day,
        content="社区环境整治",
        hours=D(amount),
        source=HoursSource.MANUAL,
        corrects=corrects,
        reason="更正时长" if corrects else "",
        confirmed_at=datetime.datetime.combine(day, datetime.time(18), tzinfo=SHANGHAI),
    )


def dues(
    who: PartyMember, month: datetime.date, paid_on: datetime.date, *, paid: str = "10.00"
) -> DuesPayment:
    return DuesPayment.objects.create(
        member=who,
        org=who.org,
        month=month,
        amount_due=D("10.00"),
        amount_paid=D(paid),
        paid_on=paid_on,
        method="cash",
    )


def post_claim(
    who: PartyMember,
    starts: datetime.date,
    ends: datetime.date,
    *,
    state=ClaimState.CONFIRMED,
    agreement=True,
) -> PostClaim:
    post = Post.objects.create(
        org=who.org,
        title="楼道文明引导岗",
        duties="引导文明",
        kind=PostKind.SERVICE,
        starts_on=starts,
        ends_on=ends,
    )
    claim = PostClaim.objects.create(post=post, member=who, state=state, starts_on=starts, ends_on=ends)
    if agreement:
        Agreement.objects.create(
            claim=claim,
            number=f"LG-{claim.pk}",
            code=f"C{claim.pk}",
            issued_on=starts,
            starts_on=starts,
            ends_on=ends,
            post_title=post.title,
            post_kind=post.kind,
            duties=post.duties,
            org_name=who.org.name,
            member_name=who.person.name,
        )
    return claim


def small_world(world) -> dict[str, PartyMember]:
    """张三 does one of everything in March 2026; 李四 is absent, pays late and was declined; 王五
    attends six meetings (12 points before the cap of 10)."""
    zhang, li, wang = (member(world.branch_a1, name) for name in ("张三", "李四", "王五"))
    first = meeting(world.branch_a1, datetime.date(2026, 3, 10))
    attend(first, zhang)
    attend(first, li, AttendanceStatus.ABSENT_PERSONAL)
    attend(first, wang)
    for day in (3, 12, 17, 20, 24):
        attend(meeting(world.branch_a1, datetime.date(2026, 3, day), kind=MeetingKind.GROUP), wang)
    # Neither a meeting still open nor a 谈心谈话 is a 三会一课 meeting attended.
    attend(meeting(world.branch_a1, datetime.date(2026, 3, 25), state=MeetingState.HELD), zhang)
    attend(meeting(world.branch_a1, datetime.date(2026, 3, 26), kind=MeetingKind.HEART_TALK), zhang)
    hours(zhang, datetime.date(2026, 3, 12), "3.5")
    dues(zhang, MARCH, datetime.date(2026, 3, 20))
    dues(li, MARCH, datetime.date(2026, 4, 2))  # late: after the month is over
    dues(wang, MARCH, datetime.date(2026, 3, 5), paid="5.00")  # short of what was due
    post_claim(zhang, datetime.date(2026, 3, 1), datetime.date(2026, 5, 31))
    post_claim(
        li, datetime.date(2026, 3, 1), datetime.date(2026, 5, 31), state=ClaimState.DECLINED, agreement=False
    )
    return {"zhang": zhang, "li": li, "wang": wang}


# --- objects of the permission tables: in 社区A (secretary_a's) and in 光明社区第一网格党支部 (社区B) ---


def member_in_a(world) -> PartyMember:
    found = PartyMember.objects.filter(org=world.branch_a1, person__name="甲党员").first()
    return found or member(world.branch_a1, "甲党员")


def member_in_b(world) -> PartyMember:
    found = PartyMember.objects.filter(org=world.branch_b1, person__name="乙党员").first()
    return found or member(world.branch_b1, "乙党员")


def entry_of(who: PartyMember):
    from dangjian.member_points.choices import EntryKind
    from dangjian.member_points.models import PointEntry

    found = PointEntry.objects.filter(person_id=who.person_id, kind=EntryKind.MANUAL).first()
    return found or PointEntry.objects.create(
        person_id=who.person_id,
        org_id=who.org_id,
        month=MARCH,
        occurred_on=datetime.date(2026, 3, 5),
        points=D("2"),
        kind=EntryKind.MANUAL,
        reason="表现突出",
    )


def rule_of(org) -> PointRule:
    found = PointRule.objects.filter(org=org).first()
    return found or PointRule.objects.create(
        source_key="life.attendance",
        name="支部加分",
        points_per_unit=D("1"),
        active_from=datetime.date(2026, 1, 1),
        org=org,
    )
