"""A party organization's yearly 党建台账: its members, organizational life, dues, development and
volunteer service over one calendar year, read from the records of the apps that keep them.

Each section is read through ``visible_to(user, …)`` with the permission of the records it shows,
and only when the user holds that permission over the organization (a section the user may not
read is left out, never shown empty). Every section costs a fixed number of queries whatever the
number of members, meetings or payments (the page, the PDF and the Excel export share it).

No ID number and no phone number appears anywhere in the 台账: members are listed by name,
status, join date and branch only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.activities.models import HoursRecord
from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.core.scoping import scope_of
from dangjian.development.choices import STAGE_ORDER, Stage
from dangjian.development.models import Applicant, StepRecord
from dangjian.dues.ledger import last_due_month, ledgers
from dangjian.life import figures as life_figures
from dangjian.life.choices import AttendanceStatus, MeetingState
from dangjian.life.models import Meeting
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import BRANCH_KINDS, OrgKind
from dangjian.orgs.models import Organization
from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import PostClaim

# The permission that opens the 台账, and the one each further section needs over the org.
VIEW = "members.view_partymember"
LIFE_VIEW = "life.view_meeting"
DUES_VIEW = "dues.view_duespayment"
DEVELOPMENT_VIEW = "development.view_applicant"
HOURS_VIEW = "activities.view_hoursrecord"
POSTS_VIEW = "service_posts.view_postclaim"

# A ledger is a branch's, a general branch's or a 基层党委's (a street's or the district's
# committee would list tens of thousands of members on one page: 404).
LEDGER_ORG_KINDS = [*BRANCH_KINDS, OrgKind.GENERAL_BRANCH, OrgKind.PRIMARY_COMMITTEE]

# Years a 台账 can be asked for: the platform keeps no records before 2000, and a year after
# the next one has nothing to show (a request for year 9999 answers 404, not an error).
FIRST_YEAR = 2000

# The four 三会一课 figures of the figures store, in the order the compliance table shows them.
LIFE_KEYS = life_figures.KEYS

# How a month of a member's dues reads in the 台账.
PAID = "paid"
ARREARS = "arrears"
OPEN = "open"  # owed but the month is not over yet
NOT_OWED = "not_owed"  # before admission, or waived
MONTH_MARKS = {PAID: "✓", ARREARS: "✗", OPEN: "○", NOT_OWED: "—"}


def year_allowed(year: int, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return FIRST_YEAR <= year <= today.year + 1


@dataclass
class MemberLine:
    member: PartyMember
    name: str
    status: str
    joined_on: datetime.date | None
    regularized_on: datetime.date | None
    branch: str


@dataclass
class MeetingLine:
    meeting: Meeting
    kind: str
    date: datetime.date
    title: str
    state: str
    present: int
    expected: int


@dataclass
class QuarterCompliance:
    label: str
    values: list  # one per LIFE_KEYS


@dataclass
class DuesLine:
    name: str
    months: list[str]  # one mark (PAID, ARREARS, …) per month of the year
    paid: int
    arrears: int
    amount_paid: Decimal

    @property
    def marks(self) -> list[str]:
        return [MONTH_MARKS[state] for state in self.months]


@dataclass
class ApplicantLine:
    name: str
    stage: str
    state: str
    applied_on: datetime.date
    steps: list[tuple[datetime.date, str]]


@dataclass
class VolunteerLine:
    name: str
    hours: Decimal
    activities: int
    records: int
    posts: list[str]


@dataclass
class PartyLedger:
    org: Organization
    year: int
    period: Period
    members: list[MemberLine] = field(default_factory=list)
    full_count: int = 0
    probationary_count: int = 0
    # None: the user may not read the section (left out of the page and the exports).
    meetings: list[MeetingLine] | None = None
    compliance_labels: list = field(default_factory=list)
    compliance: list[QuarterCompliance] = field(default_factory=list)
    dues: list[DuesLine] | None = None
    dues_months: list[datetime.date] = field(default_factory=list)
    applicants: list[ApplicantLine] | None = None
    stage_counts: list[tuple[str, int]] = field(default_factory=list)
    steps_in_year: int = 0
    volunteering: list[VolunteerLine] | None = None
    hours_total: Decimal = Decimal(0)


def _may(user, permission: str, org: Organization) -> bool:
    return scope_of(user).has_perm(permission, org_path=org.path)


def party_ledger(org: Organization, year: int, user, *, today: datetime.date | None = None) -> PartyLedger:
    """The 台账 of ``org`` (its whole subtree: a branch and its party groups) over ``year``."""
    today = today or timezone.localdate()
    period = Period.year(year)
    ledger = PartyLedger(org=org, year=year, period=period)
    members = _members(org, user)
    ledger.members = [
        MemberLine(
            member=member,
            name=member.person.name,
            status=member.get_status_display(),
            joined_on=member.joined_on,
            regularized_on=member.regularized_on,
            branch=member.org.name,
        )
        for member in members
    ]
    ledger.full_count = sum(1 for member in members if member.status == "full")
    ledger.probationary_count = len(members) - ledger.full_count
    if _may(user, LIFE_VIEW, org):
        ledger.meetings = _meetings(org, period, user)
        ledger.compliance_labels = [get_figure(key).label for key in LIFE_KEYS]
        ledger.compliance = _compliance(org, year, today)
    if _may(user, DUES_VIEW, org):
        ledger.dues_months = [datetime.date(year, month, 1) for month in range(1, 13)]
        ledger.dues = _dues(members, year, today)
    if _may(user, DEVELOPMENT_VIEW, org):
        ledger.applicants = _applicants(org, period, user)
        counts = defaultdict(int)
        for line in ledger.applicants:
            counts[line.stage] += 1
        ledger.stage_counts = [
            (label, counts.get(label, 0)) for label in (str(Stage(s).label) for s in STAGE_ORDER)
        ]
        ledger.steps_in_year = sum(len(line.steps) for line in ledger.applicants)
    if _may(user, HOURS_VIEW, org):
        ledger.volunteering = _volunteering(members, period, user)
        ledger.hours_total = sum((line.hours for line in ledger.volunteering), Decimal(0))
    return ledger


def _members(org: Organization, user) -> list[PartyMember]:
    """Active members of ``org``'s subtree, by name (one query)."""
    return list(
        PartyMember.objects.visible_to(user)
        .filter(org__path__startswith=org.path, is_active=True)
        .select_related("person", "org")
        .only(
            "id",
            "status",
            "joined_on",
            "regularized_on",
            "org__name",
            "org__path",
            "person__name",
            "person__name_pinyin",
            "person_id",
            "org_id",
            "is_active",
        )
        .order_by("person__name_pinyin", "id")
    )


def _meetings(org: Organization, period: Period, user) -> list[MeetingLine]:
    """Meetings of the subtree that took place in the year (planned ones left out), with how many
    attended of how many expected (one query)."""
    start, end = period.bounds()
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(org__path__startswith=org.path, starts_at__gte=start, starts_at__lt=end)
        .exclude(state=MeetingState.PLANNED)
        .annotate(
            present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
            expected=Count("attendances"),
        )
        .order_by("starts_at", "id")
    )
    return [
        MeetingLine(
            meeting=meeting,
            kind=meeting.get_kind_display(),
            date=timezone.localdate(meeting.starts_at),
            title=meeting.title,
            state=meeting.get_state_display(),
            present=meeting.present,
            expected=meeting.expected,
        )
        for meeting in meetings
    ]


def _compliance(org: Organization, year: int, today: datetime.date) -> list[QuarterCompliance]:
    """三会一课 compliance per quarter (and the year), read through the figures store: each
    quarter's counts once (three queries), the four figures picked from them."""
    quarters = [
        (_("Q%(number)s") % {"number": number}, Period.quarter(year, number)) for number in range(1, 5)
    ]
    rows = []
    counts_of = get_figure(LIFE_KEYS[0]).counts
    for label, period in [*quarters, (_("Whole year"), Period.year(year))]:
        if period.start > today:
            rows.append(QuarterCompliance(str(label), [None] * len(LIFE_KEYS)))
            continue
        counts = counts_of(org, period)
        rows.append(QuarterCompliance(str(label), [get_figure(key).pick(counts) for key in LIFE_KEYS]))
    return rows


def _dues(members: list[PartyMember], year: int, today: datetime.date) -> list[DuesLine]:
    """Each member's twelve months: paid, in arrears (over and unpaid), open or not owed (three
    queries: declarations, reductions, payments)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    books = ledgers(members, first=first, last=last)
    last_over = last_due_month(today)
    lines = []
    for member in members:
        book = books[member.pk]
        months, paid, arrears, amount = [], 0, 0, Decimal(0)
        for number in range(1, 13):
            month = datetime.date(year, number, 1)
            payment = book.payments.get(month)
            if payment is not None:
                state = PAID
                paid += 1
                amount += payment.amount_paid or 0
            elif not book.due(month).owed:
                state = NOT_OWED
            elif month <= last_over:
                state = ARREARS
                arrears += 1
            else:
                state = OPEN
            months.append(state)
        lines.append(DuesLine(member.person.name, months, paid, arrears, amount))
    return lines


def _applicants(org: Organization, period: Period, user) -> list[ApplicantLine]:
    """Applicants of the subtree whose file was open at some time in the year, with the steps
    recorded in the year (two queries)."""
    steps = (
        StepRecord.objects.visible_to(user, DEVELOPMENT_VIEW)
        .filter(date__gte=period.start, date__lt=period.end)
        .select_related("step")
    )
    applicants = (
        Applicant.objects.visible_to(user)
        .filter(org__path__startswith=org.path, applied_on__lt=period.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
        .select_related("person")
        .prefetch_related(Prefetch("records", queryset=steps.order_by("date", "id"), to_attr="year_steps"))
        .order_by("applied_on", "id")
    )
    return [
        ApplicantLine(
            name=applicant.person.name,
            stage=str(applicant.get_stage_display()),
            state=str(applicant.get_state_display()),
            applied_on=applicant.applied_on,
            steps=[(record.date, record.step.name) for record in applicant.year_steps],
        )
        for applicant in applicants
    ]


def _volunteering(members: list[PartyMember], period: Period, user) -> list[VolunteerLine]:
    """Each member's confirmed volunteer hours served in the year (corrections included), the
    activities they served in and the 设岗定责 posts they held (two queries)."""
    person_ids = [member.person_id for member in members]
    hours = {
        row["person_id"]: row
        for row in HoursRecord.objects.visible_to(user)
        .filter(person_id__in=person_ids, served_on__gte=period.start, served_on__lt=period.end)
        .values("person_id")
        .annotate(
            total=Sum("hours"),
            records=Count("id", filter=Q(corrects__isnull=True)),
            activities=Count("signup__activity", distinct=True),
        )
        .order_by()
    }
    posts = defaultdict(list)
    if scope_of(user).has_any(POSTS_VIEW):
        claims = (
            PostClaim.objects.visible_to(user)
            .filter(
                member_id__in=[member.pk for member in members],
                state__in=[ClaimState.CONFIRMED, ClaimState.EXPIRED, ClaimState.WITHDRAWN],
                starts_on__lt=period.end,
                ends_on__gte=period.start,
            )
            .exclude(ended_on__lt=period.start)
            .exclude(ended_on__isnull=False, ended_on__lte=F("starts_on"))  # withdrawn before holding it
            .select_related("post")
            .order_by("starts_on", "id")
        )
        for claim in claims:
            posts[claim.member_id].append(claim.post.title)
    lines = []
    for member in members:
        row = hours.get(member.person_id) or {}
        lines.append(
            VolunteerLine(
                name=member.person.name,
                hours=Decimal(row.get("total") or 0),
                activities=row.get("activities") or 0,
                records=row.get("records") or 0,
                posts=posts.get(member.pk, []),
            )
        )
    return lines
