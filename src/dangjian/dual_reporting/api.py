"""API of 双报到 at /api/v1/dual-reporting: member reports, unit pairings, claims, service logs
and the yearly feedback, through the same service functions as the pages (so permission checks,
rules and audit lines are shared). Records outside the caller's scope answer 404; a member's own
report is visible to them (self-service), like on the pages.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDate
from dangjian.dual_reporting import services
from dangjian.dual_reporting.choices import ClaimKind, ClaimState, FeedbackRating, ReportState
from dangjian.dual_reporting.models import Claim, MemberReport, ServiceLog, UnitPairing, YearlyFeedback
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization, unit_organizations

router = Router(tags=["dual_reporting"])

VIEW = "dual_reporting.view_memberreport"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
REPORT_RELATED = ["member__person", "member__org", "community", "community_org"]
PAIRING_RELATED = ["unit_org", "community", "community_org"]


# --- schemas ----------------------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    member_id: int
    member_name: str
    unit_org_id: int
    unit_org_name: str
    community_id: int
    community_name: str
    community_org_id: int | None
    reported_on: datetime.date
    state: str
    ended_on: datetime.date | None
    skills: str
    willingness: str
    commitments: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name

    @staticmethod
    def resolve_unit_org_id(obj) -> int:
        return obj.member.org_id

    @staticmethod
    def resolve_unit_org_name(obj) -> str:
        return obj.member.org.name

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name


class PairingOut(Schema):
    id: int
    unit_org_id: int
    unit_org_name: str
    community_id: int
    community_name: str
    community_org_id: int | None
    agreement: str
    since: datetime.date
    until: datetime.date | None
    state: str

    @staticmethod
    def resolve_unit_org_name(obj) -> str:
        return obj.unit_org.name

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name


class ClaimOut(Schema):
    id: int
    report_id: int | None
    pairing_id: int | None
    kind: str
    title: str
    description: str
    state: str
    claimed_on: datetime.date
    finished_on: datetime.date | None


class LogOut(Schema):
    id: int
    report_id: int | None
    pairing_id: int | None
    claim_id: int | None
    served_on: datetime.date
    hours: Decimal
    description: str
    confirmed: bool
    confirmed_at: datetime.datetime | None

    @staticmethod
    def resolve_confirmed(obj) -> bool:
        return obj.confirmed_at is not None


class FeedbackOut(Schema):
    id: int
    report_id: int | None
    pairing_id: int | None
    year: int
    rating: str
    text: str
    to_org_id: int
    sent_at: datetime.datetime


class ReportPage(Schema):
    items: list[ReportOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class PairingPage(Schema):
    items: list[PairingOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class ClaimPage(Schema):
    items: list[ClaimOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class LogPage(Schema):
    items: list[LogOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class FeedbackPage(Schema):
    items: list[FeedbackOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class ReportListParams(PageParams):
    community_id: int | None = None
    org_id: int | None = Field(None, description="Members of this organization's subtree.")
    state: ReportState | None = None


class PairingListParams(PageParams):
    community_id: int | None = None
    org_id: int | None = None
    state: ReportState | None = None


class SubjectListParams(PageParams):
    report_id: int | None = None
    pairing_id: int | None = None


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ReportCreate(InputSchema):
    member_id: int
    community_id: int | None = Field(None, description="Default: the community of the member's home.")
    reported_on: EventDate | None = None
    skills: str = Field("", max_length=500)
    willingness: str = Field("", max_length=500)
    commitments: str = Field("", max_length=1000)
    confirm_not_employed: bool = False


class EndIn(InputSchema):
    ended_on: EventDate | None = None


class PairingCreate(InputSchema):
    unit_org_id: int
    community_id: int
    since: EventDate | None = None
    until: EventDate | None = None
    agreement: str = Field("", max_length=2000)


class SubjectIn(InputSchema):
    report_id: int | None = None
    pairing_id: int | None = None


class ClaimCreate(SubjectIn):
    kind: ClaimKind = ClaimKind.POST
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)
    claimed_on: EventDate | None = None


class ClaimStateIn(InputSchema):
    state: ClaimState


class LogCreate(SubjectIn):
    served_on: EventDate
    hours: Decimal = Field(max_digits=5, decimal_places=1)
    description: str = Field(min_length=1, max_length=2000)
    claim_id: int | None = None


class FeedbackCreate(SubjectIn):
    year: int = Field(ge=2000, le=2100)
    rating: FeedbackRating
    text: str = Field("", max_length=4000)


# --- lookups ----------------------------------------------------------------------------------


def _require_any(request: HttpRequest) -> None:
    if not scope_of(request.user).has_any(VIEW):
        raise PermissionDenied(gettext("You do not have permission to view 双报到 records."), rule="scope")


def _report(request: HttpRequest, id: int) -> MemberReport:
    """A report the caller may read: in scope with the view permission, or their own."""
    report = MemberReport.objects.select_related(*REPORT_RELATED).filter(pk=id).first()
    if report is None:
        raise Http404
    if services.is_self_service(request.user, report):
        return report
    if not MemberReport.objects.visible_to(request.user).filter(pk=id).exists():
        raise Http404
    if not services.may(request.user, VIEW, report):
        raise Http404
    return report


def _pairing(request: HttpRequest, id: int) -> UnitPairing:
    pairing = get_object_or_404(
        UnitPairing.objects.visible_to(request.user).select_related(*PAIRING_RELATED), pk=id
    )
    if not services.may(request.user, "dual_reporting.view_unitpairing", pairing):
        raise Http404
    return pairing


def _subject(request: HttpRequest, payload) -> MemberReport | UnitPairing:
    if (payload.report_id is None) == (payload.pairing_id is None):
        raise RuleViolation(
            gettext("Give either report_id or pairing_id."), rule="subject", field="report_id"
        )
    return _report(request, payload.report_id) if payload.report_id else _pairing(request, payload.pairing_id)


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _own_or_visible(request: HttpRequest, model):
    """Rows in scope, plus the caller's own (self-service) rows of ``model``."""
    person_id = getattr(request.user, "person_id", None)
    # Roles without the view permission (a party member's) give a scope but no right to others' rows.
    visible = (
        model.objects.visible_to(request.user)
        if scope_of(request.user).has_any(VIEW)
        else model.objects.none()
    )
    if not person_id:
        return visible
    own_lookup = "member__person_id" if model is MemberReport else "report__member__person_id"
    return model.objects.filter(Q(pk__in=visible.values("pk")) | Q(**{own_lookup: person_id}))


def _filter_subject(queryset, params: SubjectListParams):
    if params.report_id is not None:
        queryset = queryset.filter(report_id=params.report_id)
    if params.pairing_id is not None:
        queryset = queryset.filter(pairing_id=params.pairing_id)
    return queryset


# --- reports ----------------------------------------------------------------------------------


@router.get("/reports", response=ReportPage, url_name="dual_report_list")
def report_list(request: HttpRequest, params: Query[ReportListParams]) -> dict:
    """Member reports the caller sees (community side and unit side), newest first; their own too."""
    reports = (
        _own_or_visible(request, MemberReport).select_related(*REPORT_RELATED).order_by("-reported_on", "-id")
    )
    if params.community_id is not None:
        reports = reports.filter(community_id=params.community_id)
    if params.org_id is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user), pk=params.org_id)
        reports = reports.filter(member__org__path__startswith=org.path)
    if params.state:
        reports = reports.filter(state=params.state.value)
    return _page(reports, params)


@router.post("/reports", response={201: ReportOut}, url_name="dual_report_create")
def report_create(request: HttpRequest, payload: ReportCreate) -> Status:
    """Record a member's report (a member may report themself; staff report members they see)."""
    own = services.own_member(request.user)
    if own is not None and own.pk == payload.member_id:
        member = own
    else:
        member = get_object_or_404(PartyMember.objects.visible_to(request.user), pk=payload.member_id)
    community = None
    if payload.community_id is not None:
        community = get_object_or_404(Area.objects.filter(kind=AreaKind.COMMUNITY), pk=payload.community_id)
    fields = payload.dict(exclude={"member_id", "community_id"}, exclude_none=True)
    report = services.report_member(member, community, by=request.user, **fields)
    return Status(201, _report(request, report.pk))


@router.get("/reports/{id:id}", response=ReportOut, url_name="dual_report_detail")
def report_detail(request: HttpRequest, id: int) -> MemberReport:
    return _report(request, id)


@router.post("/reports/{id:id}/end", response=ReportOut, url_name="dual_report_end")
def report_end(request: HttpRequest, id: int, payload: EndIn | None = None) -> MemberReport:
    services.end_report(_report(request, id), by=request.user, ended_on=(payload or EndIn()).ended_on)
    return _report(request, id)


# --- pairings ---------------------------------------------------------------------------------


@router.get("/pairings", response=PairingPage, url_name="dual_pairing_list")
def pairing_list(request: HttpRequest, params: Query[PairingListParams]) -> dict:
    _require_any(request)
    pairings = (
        UnitPairing.objects.visible_to(request.user)
        .select_related(*PAIRING_RELATED)
        .order_by("-since", "-id")
    )
    if params.community_id is not None:
        pairings = pairings.filter(community_id=params.community_id)
    if params.org_id is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user), pk=params.org_id)
        pairings = pairings.filter(unit_org__path__startswith=org.path)
    if params.state:
        pairings = pairings.filter(state=params.state.value)
    return _page(pairings, params)


@router.post("/pairings", response={201: PairingOut}, url_name="dual_pairing_create")
def pairing_create(request: HttpRequest, payload: PairingCreate) -> Status:
    """Pair a unit's party organization (any active one) with a community in the caller's scope."""
    community = get_object_or_404(
        Area.objects.visible_to(request.user).filter(kind=AreaKind.COMMUNITY), pk=payload.community_id
    )
    unit_org = get_object_or_404(unit_organizations(), pk=payload.unit_org_id)
    pairing = services.pair_unit(
        unit_org,
        community,
        by=request.user,
        since=payload.since,
        until=payload.until,
        agreement=payload.agreement,
    )
    return Status(201, _pairing(request, pairing.pk))


@router.get("/pairings/{id:id}", response=PairingOut, url_name="dual_pairing_detail")
def pairing_detail(request: HttpRequest, id: int) -> UnitPairing:
    return _pairing(request, id)


@router.post("/pairings/{id:id}/end", response=PairingOut, url_name="dual_pairing_end")
def pairing_end(request: HttpRequest, id: int, payload: EndIn | None = None) -> UnitPairing:
    services.end_pairing(_pairing(request, id), by=request.user, until=(payload or EndIn()).ended_on)
    return _pairing(request, id)


# --- claims, logs, feedback ------------------------------------------------------------------


@router.get("/claims", response=ClaimPage, url_name="dual_claim_list")
def claim_list(request: HttpRequest, params: Query[SubjectListParams]) -> dict:
    claims = _filter_subject(_own_or_visible(request, Claim), params).order_by("-claimed_on", "-id")
    return _page(claims, params)


@router.post("/claims", response={201: ClaimOut}, url_name="dual_claim_create")
def claim_create(request: HttpRequest, payload: ClaimCreate) -> Status:
    claim = services.add_claim(
        _subject(request, payload),
        by=request.user,
        kind=payload.kind.value,
        title=payload.title,
        description=payload.description,
        claimed_on=payload.claimed_on,
    )
    return Status(201, claim)


@router.post("/claims/{id:id}/state", response=ClaimOut, url_name="dual_claim_state")
def claim_state(request: HttpRequest, id: int, payload: ClaimStateIn) -> Claim:
    claim = get_object_or_404(_own_or_visible(request, Claim), pk=id)
    return services.set_claim_state(claim, payload.state.value, by=request.user)


@router.get("/logs", response=LogPage, url_name="dual_log_list")
def log_list(request: HttpRequest, params: Query[SubjectListParams]) -> dict:
    logs = _filter_subject(_own_or_visible(request, ServiceLog), params).order_by("-served_on", "-id")
    return _page(logs, params)


@router.post("/logs", response={201: LogOut}, url_name="dual_log_create")
def log_create(request: HttpRequest, payload: LogCreate) -> Status:
    """Log a day's service: hours more than 0 (at most 24), a date not in the future."""
    subject = _subject(request, payload)
    claim = None
    if payload.claim_id is not None:
        claim = get_object_or_404(Claim.objects.all(), pk=payload.claim_id)
    log = services.log_service(
        subject,
        by=request.user,
        served_on=payload.served_on,
        hours=payload.hours,
        description=payload.description,
        claim=claim,
    )
    return Status(201, log)


@router.post("/logs/{id:id}/confirm", response=LogOut, url_name="dual_log_confirm")
def log_confirm(request: HttpRequest, id: int) -> ServiceLog:
    """The community's staff confirm a service log."""
    log = get_object_or_404(ServiceLog.objects.visible_to(request.user), pk=id)
    return services.confirm_log(log, by=request.user)


@router.get("/feedback", response=FeedbackPage, url_name="dual_feedback_list")
def feedback_list(request: HttpRequest, params: Query[SubjectListParams]) -> dict:
    feedback = _filter_subject(_own_or_visible(request, YearlyFeedback), params).order_by("-year", "-id")
    return _page(feedback, params)


@router.post("/feedback", response={201: FeedbackOut}, url_name="dual_feedback_create")
def feedback_create(request: HttpRequest, payload: FeedbackCreate) -> Status:
    """The community's yearly feedback, sent (and notified) to the unit's organization; once a year."""
    feedback = services.send_feedback(
        _subject(request, payload),
        by=request.user,
        year=payload.year,
        rating=payload.rating.value,
        text=payload.text,
    )
    return Status(201, feedback)
