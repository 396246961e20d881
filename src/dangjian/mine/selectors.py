"""Reading a member's own records for 我的: dues, meetings, ballots, 双报到, transfer letters and
development steps.

A party member holds no staff role, so ``visible_to(user)`` (which reads role grants) would show
them nothing of their own: here every query is filtered by the signed-in user's person instead
(``request.user.person_id``), never by an id taken from the URL. The rules are the owning apps'
(``dues.ledger`` and ``dues.rules``, ``life.services``, ``elections.services``, ``members.voters``,
``development.timeline``); this module only gathers their answers for one person, each section
at a fixed number of queries whatever the number of records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core.errors import RuleViolation
from dangjian.core.models import Person
from dangjian.development import rules as development_rules
from dangjian.development import timeline
from dangjian.development.choices import OPEN_STATES
from dangjian.development.models import Applicant, StepRecord
from dangjian.development.services import active_steps
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog
from dangjian.dues.choices import DuesCategory
from dangjian.dues.ledger import (
    LEAVING_STREAK,
    MemberLedger,
    arrears_window,
    current_month,
    ledgers,
    months_between,
)
from dangjian.dues.models import DuesDeclaration, DuesPayment
from dangjian.dues.rules import (
    EMPLOYED_BRACKETS,
    FLAT_AMOUNT,
    RETIRED_BRACKETS,
    RULES_IN_FORCE_FROM,
    monthly_dues,
)
from dangjian.elections.choices import ElectionState
from dangjian.elections.models import Election, Round, VoteRecord
from dangjian.elections.services import ballot_refusal
from dangjian.life.choices import AttendanceStatus, MeetingState
from dangjian.life.models import Attendance
from dangjian.life.services import check_in_window, is_check_in_open
from dangjian.members.choices import TransferDirection
from dangjian.members.models import PartyMember, Transfer
from dangjian.members.voters import members_with_a_vote
from dangjian.orgs.models import Organization

# --- who "me" is ------------------------------------------------------------------------------


@dataclass
class Me:
    """The signed-in user's person, their active membership and their development file."""

    user: Any
    person: Person
    member: PartyMember | None  # the active membership, with its organization
    applicant: Applicant | None  # the open development file, else the latest closed one

    @property
    def has_open_file(self) -> bool:
        return self.applicant is not None and self.applicant.is_open


def is_eligible(user) -> bool:
    """Whether 我的 opens for ``user``: linked to a person who is an active party member or has an
    open development file (入党申请人 to 预备党员). One query, remembered on the user object for the
    request (the menu asks on every page)."""
    person_id = getattr(user, "person_id", None)
    if not person_id or not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_mine_eligible", None)
    if cached is None:
        cached = (
            Person.objects.filter(pk=person_id)
            .filter(Q(membership__is_active=True) | Q(party_applications__state__in=OPEN_STATES))
            .exists()
        )
        user._mine_eligible = cached
    return cached


def refusal(user) -> str | None:
    """Why 我的 does not open for ``user``, in words for the 403 page; None when it opens."""
    if not getattr(user, "person_id", None):
        return gettext(
            "“Mine” shows a party member's or an applicant's own records, and your account is not "
            "linked to a person in the ledger. Ask your branch secretary to link it."
        )
    if not is_eligible(user):
        return gettext(
            "“Mine” shows a party member's or an applicant's own records, and you are neither an "
            "active party member nor an applicant in the ledger."
        )
    return None


def load_me(user) -> Me | None:
    """The user's person with the active membership (one query) and development file (one)."""
    if not is_eligible(user):
        return None
    person = Person.objects.select_related("membership__org").get(pk=user.person_id)
    membership = getattr(person, "membership", None)
    member = membership if membership is not None and membership.is_active else None
    applicant = (
        Applicant.objects.filter(person_id=person.pk)
        .select_related("org", "next_step")
        .order_by(
            Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-applied_on",
            "-id",
        )
        .first()
    )
    return Me(user=user, person=person, member=member, applicant=applicant)


# --- my dues ----------------------------------------------------------------------------------


@dataclass
class DuesMonth:
    """One month of my dues: what is owed (the ledger's answer) and the payment, if any."""

    month: datetime.date
    owed: bool
    amount: Decimal | None  # None: owed, but no base declared yet
    waived: bool
    reduced: bool
    payment: DuesPayment | None
    is_current: bool = False

    @property
    def paid(self) -> bool:
        return self.payment is not None


@dataclass
class DuesRule:
    """The rule of 中组发〔2008〕3号 my declaration falls under, and the amount it gives."""

    category_label: str
    base: Decimal
    explanation: str
    recomputed: Decimal | None  # ``dues.rules.monthly_dues`` over the declared category and base


@dataclass
class MyDues:
    year: int
    months: list[DuesMonth]  # of ``year``, newest first (the current year up to this month)
    declaration: DuesDeclaration | None
    rule: DuesRule | None
    current: DuesMonth | None  # this month
    arrears: list[DuesMonth]  # months that are over and unpaid, in the ledger's window
    streak: int
    leaving_streak: int = LEAVING_STREAK
    due_this_year: Decimal = Decimal("0.00")
    paid_this_year: Decimal = Decimal("0.00")

    @property
    def arrears_total(self) -> Decimal:
        return sum((month.amount or Decimal("0.00") for month in self.arrears), Decimal("0.00"))

    @property
    def arrears_without_amount(self) -> int:
        return sum(1 for month in self.arrears if month.amount is None)

    @property
    def is_leaving(self) -> bool:
        return self.streak >= self.leaving_streak


def _percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f")


def _bracket_text(brackets, base: Decimal, income: str) -> str:
    lower: Decimal | None = None
    for upper, rate in brackets:
        if upper is None or base <= upper:
            values = {"income": income, "base": base, "rate": _percent(rate), "lower": lower, "upper": upper}
            if lower is None:
                return (
                    gettext("%(income)s of %(base)s yuan, up to %(upper)s yuan: %(rate)s%% a month.") % values
                )
            if upper is None:
                return (
                    gettext("%(income)s of %(base)s yuan, over %(lower)s yuan: %(rate)s%% a month.") % values
                )
            return (
                gettext(
                    "%(income)s of %(base)s yuan, over %(lower)s up to %(upper)s yuan: %(rate)s%% a month."
                )
                % values
            )
        lower = upper
    raise AssertionError("the last bracket has no upper bound")


def dues_rule(declaration: DuesDeclaration) -> DuesRule:
    """Which bracket or fixed amount of 中组发〔2008〕3号 the declaration falls under, in words, and
    the amount ``monthly_dues`` gives for it (the declaration stores the amount it gave then)."""
    category, base = declaration.category, declaration.base
    if category == DuesCategory.EMPLOYED:
        explanation = _bracket_text(EMPLOYED_BRACKETS, base, gettext("Monthly after-tax salary"))
    elif category == DuesCategory.RETIRED:
        explanation = _bracket_text(RETIRED_BRACKETS, base, gettext("Monthly pension"))
    elif category == DuesCategory.FARMER:
        explanation = gettext(
            "A farmer member pays the fixed amount the branch set: %(amount)s yuan a month."
        ) % {"amount": base}
    else:
        explanation = gettext("A flat %(amount)s yuan a month for this category.") % {"amount": FLAT_AMOUNT}
    try:
        recomputed = monthly_dues(
            category, base, on=max(datetime.date(declaration.year, 1, 1), RULES_IN_FORCE_FROM)
        )
    except ValueError:
        recomputed = None
    return DuesRule(
        category_label=str(declaration.get_category_display()),
        base=base,
        explanation=explanation,
        recomputed=recomputed,
    )


def _dues_month(book: MemberLedger, month: datetime.date, this_month: datetime.date) -> DuesMonth:
    due = book.due(month)
    return DuesMonth(
        month=month,
        owed=due.owed,
        amount=due.amount if due.owed else None,
        waived=due.waived,
        reduced=due.reduction is not None and not due.waived,
        payment=book.payments.get(month),
        is_current=month == this_month,
    )


def my_dues(member: PartyMember, *, year: int | None = None, today: datetime.date | None = None) -> MyDues:
    """My dues of ``year`` (default this year) month by month, this month, the rule and arrears.

    Read through ``dues.ledger`` (declarations, approved reductions, payments): three queries.
    """
    today = today or timezone.localdate()
    this_month = current_month(today)
    year = year or today.year
    window_first, last_over = arrears_window(today)
    year_first = datetime.date(year, 1, 1)
    year_last = this_month if year == today.year else datetime.date(year, 12, 1)
    book = ledgers([member], first=min(window_first, year_first), last=max(this_month, year_last))[member.pk]
    months = [
        _dues_month(book, month, this_month) for month in reversed(months_between(year_first, year_last))
    ]
    arrears = [_dues_month(book, month, this_month) for month in book.unpaid_months(last_over)]
    declaration = book.declaration_for(year)
    owed = [month for month in months if month.owed]
    return MyDues(
        year=year,
        months=months,
        declaration=declaration,
        rule=dues_rule(declaration) if declaration is not None else None,
        current=_dues_month(book, this_month, this_month),
        arrears=list(reversed(arrears)),
        streak=book.unpaid_streak(last_over),
        due_this_year=sum((month.amount or Decimal("0.00") for month in owed), Decimal("0.00")),
        paid_this_year=sum(
            (month.payment.amount_paid for month in months if month.payment is not None), Decimal("0.00")
        ),
    )


def dues_years(member: PartyMember, today: datetime.date | None = None) -> list[int]:
    """The years my dues page offers: from the year I was admitted (or 2008) to this year."""
    today = today or timezone.localdate()
    first = member.joined_on.year if member.joined_on else today.year
    first = max(first, RULES_IN_FORCE_FROM.year, today.year - 9)
    return list(range(today.year, first - 1, -1))


# --- my meetings ------------------------------------------------------------------------------


@dataclass
class MyMeeting:
    """A meeting I am expected at, with whether its QR check-in is open now."""

    attendance: Attendance
    check_in_open: bool
    opens_at: datetime.datetime
    is_today: bool

    @property
    def meeting(self):
        return self.attendance.meeting

    @property
    def checked_in(self) -> bool:
        return self.attendance.checked_in_at is not None


UPCOMING_LIMIT = 20


def upcoming_meetings(member: PartyMember, now: datetime.datetime | None = None) -> list[MyMeeting]:
    """Meetings I am expected at that have not ended (or not been closed), soonest first: one query."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = (
        Attendance.objects.filter(member=member, meeting__ends_at__gte=now)
        .exclude(meeting__state=MeetingState.CLOSED)
        .select_related("meeting__org")
        .order_by("meeting__starts_at", "meeting_id")[:UPCOMING_LIMIT]
    )
    return [
        MyMeeting(
            attendance=row,
            check_in_open=is_check_in_open(row.meeting, now),
            opens_at=check_in_window(row.meeting)[0],
            is_today=timezone.localdate(row.meeting.starts_at) <= today,
        )
        for row in rows
    ]


def attendance_record(member: PartyMember, now: datetime.datetime | None = None) -> QuerySet[Attendance]:
    """My attendance at meetings held so far, newest first (page it: ``core.pagination``)."""
    now = now or timezone.now()
    return (
        Attendance.objects.filter(
            member=member,
            meeting__starts_at__lt=now,
            meeting__state__in=[MeetingState.HELD, MeetingState.CLOSED],
        )
        .select_related("meeting__org")
        .order_by("-meeting__starts_at", "-id")
    )


@dataclass
class AttendanceCounts:
    year: int
    present: int = 0
    excused: int = 0  # 病假、事假、公假
    unexcused: int = 0
    not_recorded: int = 0

    @property
    def total(self) -> int:
        return self.present + self.excused + self.unexcused + self.not_recorded


def attendance_counts(member: PartyMember, now: datetime.datetime | None = None) -> AttendanceCounts:
    """This year's held meetings I was expected at, by how I attended: one query."""
    now = now or timezone.now()
    year = timezone.localdate(now).year
    counts = AttendanceCounts(year=year)
    rows = (
        attendance_record(member, now)
        .filter(meeting__starts_at__year=year)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        if row["status"] == AttendanceStatus.PRESENT:
            counts.present += row["n"]
        elif row["status"] == AttendanceStatus.ABSENT_UNEXCUSED:
            counts.unexcused += row["n"]
        elif row["status"]:
            counts.excused += row["n"]
        else:
            counts.not_recorded += row["n"]
    return counts


# --- my open ballots --------------------------------------------------------------------------


@dataclass
class MyBallot:
    election: Election
    cast: bool
    refusal: str | None  # why I cannot cast it now (not open yet, closed); None: I can

    @property
    def can_cast(self) -> bool:
        return not self.cast and self.refusal is None


@dataclass
class MyBallots:
    has_vote: bool
    ballots: list[MyBallot] = field(default_factory=list)

    @property
    def castable(self) -> list[MyBallot]:
        return [ballot for ballot in self.ballots if ballot.can_cast]


def _ancestor_paths(org: Organization) -> list[str]:
    return [org.path[:end] for end in range(org.steplen, len(org.path) + 1, org.steplen)]


def my_ballots(user, member: PartyMember | None, now: datetime.datetime | None = None) -> MyBallots:
    """Elections being voted on in my organization or above it, where I have a vote.

    Who has a vote is ``members.voters`` (active 正式党员, not under 留党察看; 选举工作条例第五条),
    as the ballot page asks; the window is ``elections.services.ballot_refusal``. At most four
    queries: the elections, my vote, my records of having voted and the further rounds.
    """
    now = now or timezone.now()
    if member is None:
        return MyBallots(has_vote=False)
    elections = list(
        Election.objects.filter(state=ElectionState.VOTING, org__path__in=_ancestor_paths(member.org))
        .select_related("org")
        .order_by("ends_at", "pk")
    )
    if not elections:
        return MyBallots(has_vote=True)
    if not members_with_a_vote(member.org, timezone.localdate(now)).filter(pk=member.pk).exists():
        return MyBallots(has_vote=False)
    ids = [election.pk for election in elections]
    # Whether I have voted (VoteRecord); what I voted is in an unlinked ballot nobody can look up.
    cast = set(
        VoteRecord.objects.filter(voter=member, election_id__in=ids).values_list("election_id", "round")
    )
    rounds = {
        found.election_id: found
        for found in Round.objects.filter(election_id__in=ids, number=F("election__round"))
        if found.number > 1
    }
    ballots = []
    for election in elections:
        further = rounds.get(election.pk) if election.round > 1 else None
        done = (election.pk, election.round) in cast
        ballots.append(
            MyBallot(
                election=election,
                cast=done,
                refusal=None if done else ballot_refusal(election, user=user, now=now, further=further),
            )
        )
    return MyBallots(has_vote=True, ballots=ballots)


# --- my 双报到 and service hours -----------------------------------------------------------------


@dataclass
class MyService:
    reports: list[MemberReport]
    claims: list[Claim]
    claim_count: int
    hours_this_year: Decimal
    hours_total: Decimal
    hours_unconfirmed: Decimal
    year: int

    @property
    def active(self) -> MemberReport | None:
        return next((report for report in self.reports if report.is_active), None)


CLAIMS_SHOWN = 20


def my_service(member: PartyMember, today: datetime.date | None = None) -> MyService:
    """My reports to a residential community, what I claimed and my hours: four queries.

    Hours count once confirmed by the community (DOMAIN.md: one hours ledger); unconfirmed hours
    are shown apart.
    """
    today = today or timezone.localdate()
    reports = list(
        MemberReport.objects.filter(member=member)
        .select_related("community", "community_org")
        .order_by("-reported_on", "-id")
    )
    claims_query = Claim.objects.filter(report__member=member)
    claims = list(
        claims_query.select_related("report__community").order_by("-claimed_on", "-id")[:CLAIMS_SHOWN]
    )
    claim_count = claims_query.count()
    confirmed = Q(confirmed_at__isnull=False)
    hours = ServiceLog.objects.filter(report__member=member).aggregate(
        year=Sum("hours", filter=confirmed & Q(served_on__year=today.year)),
        total=Sum("hours", filter=confirmed),
        unconfirmed=Sum("hours", filter=Q(confirmed_at__isnull=True)),
    )
    zero = Decimal("0.0")
    return MyService(
        reports=reports,
        claims=claims,
        claim_count=claim_count,
        hours_this_year=hours["year"] or zero,
        hours_total=hours["total"] or zero,
        hours_unconfirmed=hours["unconfirmed"] or zero,
        year=today.year,
    )


def my_service_logs(member: PartyMember) -> QuerySet[ServiceLog]:
    """My service logs, newest first (page it)."""
    return (
        ServiceLog.objects.filter(report__member=member)
        .select_related("claim", "report__community")
        .order_by("-served_on", "-id")
    )


# --- my transfer letters ----------------------------------------------------------------------


@dataclass
class MyTransfer:
    transfer: Transfer
    printable: bool  # the letter's PDF opens for me under the members app's own permission


TRANSFERS_SHOWN = 50


def my_transfers(me: Me) -> list[MyTransfer]:
    """Letters where I am the member (or the person coming in from outside), newest first.

    The printed letter stays under the members app's permission model: its PDF is offered only
    where ``Transfer.objects.visible_to`` lets this user open it (a plain member holds no
    ``members.view_transfer``, so sees the state without the PDF). Two queries at most.
    """
    person_id = me.person.pk
    transfers = list(
        Transfer.objects.filter(Q(member__person_id=person_id) | Q(incoming_person_id=person_id))
        .select_related("from_org", "to_org")
        .order_by("-initiated_at", "-id")[:TRANSFERS_SHOWN]
    )
    ids = [transfer.pk for transfer in transfers if transfer.direction != TransferDirection.INCOMING]
    visible = (
        set(Transfer.objects.visible_to(me.user).filter(pk__in=ids).values_list("pk", flat=True))
        if ids
        else set()
    )
    return [MyTransfer(transfer=transfer, printable=transfer.pk in visible) for transfer in transfers]


# --- my development steps ---------------------------------------------------------------------


@dataclass
class MyDevelopment:
    applicant: Applicant
    rows: list[timeline.TimelineRow]
    next_row: timeline.TimelineRow | None
    next_citations: list[str]
    error: str | None = None


def my_development(applicant: Applicant, today: datetime.date | None = None) -> MyDevelopment:
    """My development file as the branch's timeline shows it: ``development.timeline.build`` over
    the records and the steps of the rule set in force (``development.services.active_steps``),
    the next step with its earliest date or deadline, and the rules that set them, cited."""
    today = today or timezone.localdate()
    records = list(
        StepRecord.objects.filter(applicant=applicant).select_related("step").order_by("date", "id")
    )
    error = None
    try:
        steps = active_steps(applicant.org, today)
    except RuleViolation as violation:
        steps, error = [], violation.message
    rows = timeline.build(applicant, records, steps, today)
    next_row = next((row for row in rows if row.status in (timeline.NEXT, timeline.LATE)), None)
    citations = (
        [development_rules.cite(rule) for rule in next_row.step.rules or [] if rule.get("kind") == "after"]
        if next_row is not None
        else []
    )
    return MyDevelopment(
        applicant=applicant, rows=rows, next_row=next_row, next_citations=citations, error=error
    )
