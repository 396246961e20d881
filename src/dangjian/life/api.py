"""API of organizational life at /api/v1/life: meetings (list, detail, schedule, attendance,
check-in, close) and the compliance roll-up.

The same service functions as the pages do the work, so rules (check-in window, quorum,
minutes before closing) answer 400 with the same Chinese message; a meeting outside the
caller's scope answers 404. The meeting list pages by keyset (``cursor``), newest first.
"""

from __future__ import annotations

import base64
import datetime

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.converters import MAX_ID
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.periods import Period
from dangjian.core.scoping import scope_of
from dangjian.core.validators import ANY_DATES, AnyDateTime, EventDateTime
from dangjian.life import compliance, services
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.models import Attendance, Meeting
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

router = Router(tags=["life"])

VIEW = "life.view_meeting"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class MeetingOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: str
    kind_label: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    state: str
    state_label: str
    version: int
    closed_at: datetime.datetime | None
    closed_late: bool
    expected: int = 0
    present: int = 0

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class AttendanceOut(Schema):
    member_id: int
    member_name: str
    status: str
    reason: str
    checked_in_at: datetime.datetime | None

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name


class MeetingDetailOut(MeetingOut):
    agenda: str
    minutes: str
    attendance: list[AttendanceOut]


class MeetingPage(Schema):
    items: list[MeetingOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class MeetingListParams(Schema):
    org: int | None = Field(None, description="An organization: its meetings and those of its subtree.")
    kind: MeetingKind | None = None
    state: MeetingState | None = None
    starts_from: AnyDateTime | None = None
    starts_before: AnyDateTime | None = None
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=100)


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class MeetingCreate(InputSchema):
    org_id: int
    kind: MeetingKind
    title: str = Field(max_length=200)
    starts_at: EventDateTime
    ends_at: EventDateTime
    place: str = Field("", max_length=200)
    agenda: str = ""


class AttendanceIn(InputSchema):
    member_id: int
    status: AttendanceStatus
    reason: str = Field("", max_length=200)


class MeetingVoteIn(InputSchema):
    subject: str = Field(max_length=200)
    in_favour: int = Field(ge=0, le=100_000)
    against: int = Field(0, ge=0, le=100_000)
    abstain: int = Field(0, ge=0, le=100_000)


class MeetingVoteOut(Schema):
    id: int
    subject: str
    in_favour: int
    against: int
    abstain: int
    voters: int
    present_with_vote: int
    passed: bool


class CheckInIn(InputSchema):
    token: str = Field(max_length=64)


class KindComplianceOut(Schema):
    kind: str
    kind_label: str
    period: str
    required: int
    held: int
    missing: int
    late: int


class UnitComplianceOut(Schema):
    org_id: int
    name: str
    missing_total: int
    kinds: list[KindComplianceOut]


class ComplianceOut(Schema):
    org_id: int
    year: int
    quarter: int | None
    units: list[UnitComplianceOut]
    next: int | None = Field(description="Pass as `offset` for the next page; null on the last page.")


def _cursor(meeting: Meeting) -> str:
    return base64.urlsafe_b64encode(f"{meeting.starts_at.isoformat()}|{meeting.pk}".encode()).decode()


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        starts, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = parse_datetime(starts)
        # A cursor is sent back by the client: a far year or id would overflow the query.
        if moment is None or ANY_DATES.message(moment) is not None or not 0 < int(pk) <= MAX_ID:
            raise ValueError(cursor)
        return moment, int(pk)
    except (ValueError, UnicodeDecodeError) as error:
        raise RuleViolation(
            gettext("The cursor is not valid; start again from the first page."), rule="cursor"
        ) from error


def _meetings(request: HttpRequest):
    return Meeting.objects.visible_to(request.user).select_related("org")


def _visible(request: HttpRequest, id: int, permission: str = VIEW) -> Meeting:
    meeting = get_object_or_404(_meetings(request), pk=id)
    if not scope_of(request.user).has_perm(permission, org_path=meeting.org.path):
        if permission == VIEW:
            raise Http404
        raise PermissionDenied(
            gettext("You do not have permission to do this within this scope."), rule="scope"
        )
    return meeting


def _detail(meeting: Meeting) -> dict:
    rows = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__person")
        .order_by("member__person__name_pinyin", "id")
    )
    meeting.expected = len(rows)
    meeting.present = sum(1 for row in rows if row.status == AttendanceStatus.PRESENT)
    meeting.attendance = rows
    return meeting


@router.get("/meetings", response=MeetingPage, url_name="meeting_list")
def meeting_list(request: HttpRequest, params: Query[MeetingListParams]) -> dict:
    """Meetings in the caller's scope, newest first, by keyset: a fixed cost on every page."""
    if not scope_of(request.user).has_any(VIEW):
        raise PermissionDenied(gettext("You do not have permission to view meetings."), rule="scope")
    meetings = _meetings(request).annotate(
        expected=Count("attendances"),
        present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
    )
    if params.org is not None:
        org = Organization.objects.visible_to(request.user, VIEW).filter(pk=params.org).only("path").first()
        if org is None:
            raise Http404
        meetings = meetings.filter(org__path__startswith=org.path)
    if params.kind:
        meetings = meetings.filter(kind=params.kind.value)
    if params.state:
        meetings = meetings.filter(state=params.state.value)
    if params.starts_from:
        meetings = meetings.filter(starts_at__gte=params.starts_from)
    if params.starts_before:
        meetings = meetings.filter(starts_at__lt=params.starts_before)
    if params.cursor:
        starts_at, pk = _parse_cursor(params.cursor)
        meetings = meetings.filter(Q(starts_at__lt=starts_at) | Q(starts_at=starts_at, pk__lt=pk))
    rows = list(meetings.order_by("-starts_at", "-id")[: params.limit + 1])
    has_next = len(rows) > params.limit
    rows = rows[: params.limit]
    return {"items": rows, "next_cursor": _cursor(rows[-1]) if has_next else None}


@router.post("/meetings", response={201: MeetingDetailOut}, url_name="meeting_create")
def meeting_create(request: HttpRequest, payload: MeetingCreate) -> Status:
    """Plan a meeting; the organization's active members become its expected attendees."""
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, "life.add_meeting"), pk=payload.org_id
    )
    fields = payload.dict(exclude={"org_id"})
    fields["kind"] = payload.kind.value
    meeting = services.schedule_meeting(org, by=request.user, **fields)
    return Status(201, _detail(_visible(request, meeting.pk)))


@router.get("/meetings/{id:id}", response=MeetingDetailOut, url_name="meeting_detail")
def meeting_detail(request: HttpRequest, id: int) -> Meeting:
    return _detail(_visible(request, id))


@router.post("/meetings/{id:id}/attendance", response=MeetingDetailOut, url_name="meeting_attendance")
def meeting_attendance(request: HttpRequest, id: int, payload: list[AttendanceIn]) -> Meeting:
    """Record attendance rows (all or nothing): present, or absent with 病假/事假/公假 and a reason."""
    meeting = _visible(request, id, "life.change_meeting")
    members = {
        member.pk: member for member in PartyMember.objects.filter(pk__in=[row.member_id for row in payload])
    }
    entries = []
    for row in payload:
        if row.member_id not in members:
            raise RuleViolation(
                gettext("There is no such party member."), rule="expected_attendee", field="member_id"
            )
        entries.append((members[row.member_id], row.status.value, row.reason))
    services.record_attendance_sheet(meeting, entries, by=request.user)
    return _detail(_visible(request, id))


@router.post("/meetings/{id:id}/check-in", response=AttendanceOut, url_name="meeting_check_in")
def meeting_check_in(request: HttpRequest, id: int, payload: CheckInIn) -> Attendance:
    """Check the caller in with the token of the meeting's QR code (within its window)."""
    meeting = get_object_or_404(Meeting.objects.select_related("org"), pk=id)
    if payload.token != meeting.check_in_token:
        raise Http404
    row = services.check_in(meeting, token=payload.token, user=request.user)
    return Attendance.objects.select_related("member__person").get(pk=row.pk)


@router.post("/meetings/{id:id}/votes", response={201: MeetingVoteOut}, url_name="meeting_vote_create")
def meeting_vote_create(request: HttpRequest, id: int, payload: MeetingVoteIn) -> Status:
    """Record a motion voted at a 支部党员大会: refused without the quorum of members with a vote
    (支部工作条例 第十一条); ``passed`` says whether more than half of 应到会有表决权 were in favour."""
    vote = services.record_vote(
        _visible(request, id, "life.change_meeting"),
        subject=payload.subject,
        in_favour=payload.in_favour,
        against=payload.against,
        abstain=payload.abstain,
        by=request.user,
    )
    return Status(201, vote)


@router.post("/meetings/{id:id}/close", response=MeetingDetailOut, url_name="meeting_close")
def meeting_close(request: HttpRequest, id: int) -> Meeting:
    """Close the meeting: needs minutes, everyone's attendance, a quorum for a 支委会 and for a
    党员大会 that voted."""
    services.close_meeting(_visible(request, id, "life.change_meeting"), by=request.user)
    return _detail(_visible(request, id))


@router.get("/compliance", response=ComplianceOut, url_name="compliance")
def compliance_data(
    request: HttpRequest,
    org: int | None = None,
    year: int | None = Query(None, ge=2000, le=2100),
    quarter: int | None = Query(None, ge=1, le=4),
    limit: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(0, ge=0, le=100_000),
) -> dict:
    """Required, held, missing and late meetings of every organization of ``org``'s subtree
    (default: the caller's top organization) in ``year`` (default: this year) or one quarter."""
    scope = scope_of(request.user)
    if not scope.has_any(VIEW):
        raise PermissionDenied(gettext("You do not have permission to view meetings."), rule="scope")
    visible = Organization.objects.visible_to(request.user, VIEW)
    if org is not None:
        node = get_object_or_404(visible, pk=org)
    else:
        granted = scope.restricted_to(VIEW)
        roots = visible.filter(depth=1) if scope.is_global else visible.filter(path__in=granted.org_paths)
        node = roots.order_by("path").first()
        if node is None:
            raise Http404
    if not scope.has_perm(VIEW, org_path=node.path):
        raise PermissionDenied(gettext("You do not have permission to view meetings."), rule="scope")
    year = year or timezone.localdate().year
    units = compliance.compliance(node, Period.quarter(year, quarter) if quarter else Period.year(year))
    has_next = len(units) > offset + limit
    units = units[offset : offset + limit]
    return {
        "next": offset + limit if has_next else None,
        "org_id": node.pk,
        "year": year,
        "quarter": quarter,
        "units": [
            {
                "org_id": unit.org_id,
                "name": unit.name,
                "missing_total": unit.missing_total,
                "kinds": [
                    {
                        "kind": entry.kind,
                        "kind_label": str(entry.rule.get_kind_display()),
                        "period": entry.rule.period,
                        "required": entry.required,
                        "held": entry.held,
                        "missing": entry.missing,
                        "late": entry.late,
                    }
                    for entry in unit.kinds
                ],
            }
            for unit in units
        ],
    }
