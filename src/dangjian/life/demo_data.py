"""Demo and benchmark data of organizational life: two years of meetings for every branch and
party group, following the cadence rules, with attendance and 民主评议 grades.

Most units hold almost every required meeting, a tenth are sloppy (gaps the compliance view
shows) and a few fell silent six weeks ago (静默支部). Past meetings are closed with minutes
(some closed late), a few are held but not yet closed, and the current period has planned
meetings ahead. Attendance rows are written for the meetings of the last twelve months only —
at district scale all two years would be ~2.5 million rows, beyond the step's time budget;
older meetings are closed and count for compliance but have no attendance sheet. Everything
is computed in Python from three queries and written with bulk inserts; deterministic per seed.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.core.periods import Period
from dangjian.life.choices import QUORUM_KINDS, AttendanceStatus, MeetingKind, MeetingState, ReviewGrade
from dangjian.life.compliance import LATE_AFTER, cadence_periods
from dangjian.life.models import Attendance, CadenceRule, DemocraticReview, Meeting
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import CommitteeMember, Organization

BATCH = 5000
YEARS = 2
ATTENDANCE_DAYS = 365
PRESENT_SHARE = 0.86
SLOPPY_SHARE = 0.10
SILENT_SHARE = 0.03
SILENT_FOR = datetime.timedelta(days=45)

TOPICS = [
    "学习贯彻党的二十大精神",
    "学习党章党规",
    "社区志愿服务",
    "走访慰问困难群众",
    "重温入党誓词",
    "学习习近平新时代中国特色社会主义思想",
    "垃圾分类宣传",
    "红色教育基地参观",
    "网格走访与民情收集",
    "疫情防控与应急演练",
]
ABSENCES = [
    (AttendanceStatus.ABSENT_SICK, "身体不适"),
    (AttendanceStatus.ABSENT_PERSONAL, "家中有事"),
    (AttendanceStatus.ABSENT_OFFICIAL, "外出公务"),
]
GRADES = [ReviewGrade.EXCELLENT] * 20 + [ReviewGrade.QUALIFIED] * 76 + [ReviewGrade.BASICALLY_QUALIFIED] * 3
GRADES += [ReviewGrade.UNQUALIFIED]


def _title(kind: str, start: datetime.date, rng: random.Random) -> str:
    quarter = (start.month - 1) // 3 + 1
    topic = rng.choice(TOPICS)
    return {
        MeetingKind.BRANCH_GENERAL: f"{start.year}年第{quarter}季度支部党员大会",
        MeetingKind.COMMITTEE: f"{start.year}年{start.month}月支部委员会会议",
        MeetingKind.GROUP: f"{start.year}年{start.month}月党小组会",
        MeetingKind.LECTURE: f"{start.year}年第{quarter}季度党课：{topic}",
        MeetingKind.THEME_DAY: f"{start.month}月主题党日：{topic}",
        MeetingKind.LIFE_MEETING: f"{start.year}年度组织生活会",
        MeetingKind.DEMOCRATIC_REVIEW: f"{start.year}年度民主评议党员",
    }.get(kind, topic)


def _minutes(kind: str, title: str, rng: random.Random) -> str:
    return (
        f"会议主题：{title}。\n一、传达学习上级文件精神；\n二、{rng.choice(TOPICS)}，党员交流发言；\n"
        f"三、研究部署下一阶段工作。\n决议：按计划落实，由支部委员分工负责。"
    )


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@generator_step("life", order=30)
def generate_meetings(generator) -> int:
    rng: random.Random = generator.rng
    today: datetime.date = generator.today
    rules = list(CadenceRule.objects.filter(is_active=True).order_by("kind"))
    unit_kinds = {kind for rule in rules for kind in rule.org_kinds}
    units = list(
        Organization.objects.filter(kind__in=unit_kinds, is_active=True)
        .order_by("path")
        .values_list("id", "path", "kind")
    )
    unit_by_path = {path: (org_id, kind) for org_id, path, kind in units}
    # Expected attendees: a unit's active members and those of the party groups below it.
    attendees: dict[int, list[int]] = defaultdict(list)
    person_member: dict[int, int] = {}
    for member_id, person_id, path in (
        PartyMember.objects.filter(is_active=True).order_by("id").values_list("id", "person_id", "org__path")
    ):
        person_member[person_id] = member_id
        for length in range(4, len(path) + 1, 4):
            unit = unit_by_path.get(path[:length])
            if unit is not None:
                attendees[unit[0]].append(member_id)
    committee: dict[int, list[int]] = defaultdict(list)
    for org_id, person_id in (
        CommitteeMember.objects.filter(committee__is_current=True, ended_on__isnull=True)
        .order_by("committee__org_id", "id")
        .values_list("committee__org_id", "person_id")
    ):
        committee[org_id].append(person_id)

    first_day = datetime.date(today.year - YEARS, today.month, 1)
    windows = [Period.year(year) for year in range(first_day.year, today.year + 1)]
    periods_by_rule = {
        rule.kind: [
            (max(start, first_day), end)
            for window in windows
            for start, end in cadence_periods(rule.period, window)
            if end > first_day
        ]
        for rule in rules
    }
    attendance_from = _aware(today - datetime.timedelta(days=ATTENDANCE_DAYS), 0)
    now = timezone.now()

    # At least one 静默支部 even at community scale: the last branch, unless it is the demo's.
    anchor = generator.anchors.grid_branch
    branches = [
        org_id
        for org_id, _path, kind in units
        if kind in BRANCH_KINDS and org_id != getattr(anchor, "pk", None)
    ]
    forced_silent = branches[-1] if branches else None

    meetings: list[Meeting] = []
    expected: list[list[int]] = []
    silent_paths: list[str] = []
    for org_id, path, org_kind in units:
        roll = rng.random()
        holds = 0.75 if roll < SLOPPY_SHARE else 0.96
        # A silent branch's party groups fall silent with it (their meetings are its activity).
        silent = roll > 1 - SILENT_SHARE or org_id == forced_silent or path[:-4] in silent_paths
        if silent:
            silent_paths.append(path)
        silent_since = today - SILENT_FOR if silent else None
        seats = committee.get(org_id, [])
        host = seats[0] if seats else None
        recorder = seats[1] if len(seats) > 1 else None
        members = attendees.get(org_id, [])
        seated = [person_member[person] for person in seats if person in person_member]
        for rule in rules:
            if org_kind not in rule.org_kinds:
                continue
            for start, end in periods_by_rule[rule.kind]:
                last = min(end - datetime.timedelta(days=1), today)
                current = end > today
                if silent_since is not None:
                    last = min(last, silent_since)
                if last < start or rng.random() > (0.6 if current else holds):
                    continue
                day = start + datetime.timedelta(days=rng.randint(0, (last - start).days))
                hour = rng.choice((9, 14, 19))
                starts_at = _aware(day, hour)
                ends_at = starts_at + datetime.timedelta(hours=2)
                if ends_at > now:
                    state = MeetingState.PLANNED
                elif rng.random() < (0.3 if current else 0.02):
                    state = MeetingState.HELD
                else:
                    state = MeetingState.CLOSED
                title = _title(rule.kind, start, rng)
                late = state == MeetingState.CLOSED and silent_since is None and rng.random() < 0.08
                closed_at = None
                if state == MeetingState.CLOSED:
                    closed_at = ends_at + (
                        LATE_AFTER + datetime.timedelta(days=rng.randint(1, 20))
                        if late
                        else datetime.timedelta(hours=rng.randint(1, 72))
                    )
                    closed_at = min(closed_at, now)
                    late = closed_at > ends_at + LATE_AFTER
                meetings.append(
                    Meeting(
                        org_id=org_id,
                        kind=rule.kind,
                        title=title,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        place=rng.choice(("党群服务中心", "社区会议室", "支部活动室", "新时代文明实践站")),
                        host_id=host,
                        recorder_id=recorder,
                        agenda=f"一、学习{rng.choice(TOPICS)}；二、讨论交流；三、部署工作。",
                        minutes=_minutes(rule.kind, title, rng) if state == MeetingState.CLOSED else "",
                        state=state,
                        closed_at=closed_at,
                        closed_late=late,
                    )
                )
                expected.append(seated if rule.kind == MeetingKind.COMMITTEE else members)
    meetings += _check_in_demo(generator, attendees, expected)
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    written = len(meetings)

    rows: list[Attendance] = []
    reviews: list[DemocraticReview] = []
    for meeting, member_ids in zip(meetings, expected, strict=True):
        if meeting.kind == MeetingKind.DEMOCRATIC_REVIEW and meeting.state == MeetingState.CLOSED:
            year = timezone.localtime(meeting.starts_at).year
            for member_id in member_ids:
                grade = rng.choice(GRADES)
                reviews.append(
                    DemocraticReview(
                        org_id=meeting.org_id,
                        year=year,
                        member_id=member_id,
                        meeting_id=meeting.pk,
                        grade=grade,
                        note="表现突出" if grade == ReviewGrade.EXCELLENT and rng.random() < 0.3 else "",
                    )
                )
        if meeting.starts_at < attendance_from or not member_ids:
            continue
        recorded = meeting.state != MeetingState.PLANNED
        statuses = []
        for _member in member_ids:
            if not recorded:
                statuses.append(("", ""))
            elif rng.random() < PRESENT_SHARE:
                statuses.append((AttendanceStatus.PRESENT, ""))
            else:
                statuses.append(rng.choice(ABSENCES))
        present = sum(1 for status, _reason in statuses if status == AttendanceStatus.PRESENT)
        if recorded and meeting.kind in QUORUM_KINDS and present * 2 <= len(statuses):
            statuses = [(AttendanceStatus.PRESENT, "")] * len(statuses)
        for member_id, (status, reason) in zip(member_ids, statuses, strict=True):
            rows.append(
                Attendance(
                    meeting_id=meeting.pk,
                    member_id=member_id,
                    status=status,
                    reason=reason,
                    checked_in_at=meeting.starts_at if status == AttendanceStatus.PRESENT else None,
                )
            )
        if len(rows) >= 50_000:
            Attendance.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
            rows = []
    Attendance.objects.bulk_create(rows, batch_size=BATCH)
    DemocraticReview.objects.bulk_create(reviews, batch_size=BATCH)
    return written + len(rows) + len(reviews)


def _check_in_demo(generator, attendees: dict[int, list[int]], expected: list[list[int]]) -> list[Meeting]:
    """A 主题党日 of the demo member's branch running all day today, so the QR check-in works."""
    branch = generator.anchors.grid_branch
    if branch is None:
        return []
    today = timezone.localdate()
    starts_at = _aware(today, 0)
    expected.append(attendees.get(branch.pk, []))
    return [
        Meeting(
            org_id=branch.pk,
            kind=MeetingKind.THEME_DAY,
            title=f"{today.month}月主题党日：扫码签到演示",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=23, minutes=59),
            place="党群服务中心",
            agenda="一、扫码签到；二、重温入党誓词；三、志愿服务。",
            state=MeetingState.PLANNED,
        )
    ]
