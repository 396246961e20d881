"""API of volunteer activities, the hours ledger, the record's training, awards and evaluation, 证明
and points at /api/v1/activities, through the same service functions as the pages (permission
checks, rules and audit lines shared).

Staff operations read through ``visible_to`` (404 outside the caller's scope); ``/me/…`` and the
volunteer's actions (sign up, cancel, check in and out, ask for a 证明, redeem) act on the caller's
own person only.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.activities import selectors
from dangjian.activities.choices import (
    ActivityState,
    AwardLevel,
    CertificateState,
    EvaluationResult,
    HoursSource,
    RecordEntryKind,
)
from dangjian.activities.models import Activity, Certificate, HoursRecord, RecordEntry, RewardItem, SignUp
from dangjian.activities.services import ledger, points, records, signups
from dangjian.core.errors import PermissionDenied
from dangjian.core.models import Person
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDate
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.models import Skill

router = Router(tags=["activities"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


# --- schemas ----------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    title: str
    org_id: int
    area_id: int
    project_id: int | None
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    description: str
    state: str
    is_public: bool
    version: int


class SignUpOut(Schema):
    id: int
    activity_id: int
    person_id: int
    person_name: str
    state: str
    signed_up_at: datetime.datetime
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    hours: Decimal | None
    confirmed_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name


class HoursOut(Schema):
    id: int
    person_id: int
    person_name: str
    org_id: int
    served_on: datetime.date
    place: str
    content: str
    hours: Decimal
    source: str
    service_log_id: int | None
    signup_id: int | None
    corrects_id: int | None
    reason: str
    confirmed_at: datetime.datetime

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name


class CertificateOut(Schema):
    id: int
    person_id: int
    org_id: int
    org_name: str
    state: str
    purpose: str
    number: str | None
    requested_at: datetime.datetime
    issued_at: datetime.datetime | None
    total_hours: Decimal | None
    records: list[dict]
    entries: list[dict]

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class RecordEntryOut(Schema):
    id: int
    person_id: int
    person_name: str
    org_id: int
    kind: RecordEntryKind
    occurred_on: datetime.date
    title: str
    content: str
    training_hours: Decimal | None
    awarded_by: str
    award_level: str
    period: str
    result: str
    corrects_id: int | None
    reason: str
    is_withdrawn: bool
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name


class PointEntryOut(Schema):
    id: int
    delta: int
    reason: str
    created_at: datetime.datetime


class RewardOut(Schema):
    id: int
    org_id: int
    name: str
    description: str
    cost: int
    stock: int


class RedemptionOut(Schema):
    id: int
    item_id: int
    points: int
    redeemed_at: datetime.datetime


class MyHoursOut(Schema):
    year: int
    hours_year: Decimal
    hours_total: Decimal
    records: list[HoursOut]
    next: int | None = None


class MyPointsOut(Schema):
    balance: int
    entries: list[PointEntryOut]
    next: int | None = None


class Page(Schema):
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class ActivityPage(Page):
    items: list[ActivityOut]


class SignUpPage(Page):
    items: list[SignUpOut]


class HoursPage(Page):
    items: list[HoursOut]


class RecordEntryPage(Page):
    items: list[RecordEntryOut]


class CertificatePage(Page):
    items: list[CertificateOut]


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class ActivityListParams(PageParams):
    state: ActivityState | None = None
    org_id: int | None = Field(None, description="Activities of this organization's subtree.")


class HoursListParams(PageParams):
    org_id: int | None = None
    person_id: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    source: HoursSource | None = None


class EntryListParams(PageParams):
    kind: RecordEntryKind | None = None
    org_id: int | None = Field(None, description="Entries of this organization's subtree.")
    person_id: int | None = None


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ActivityCreate(InputSchema):
    org_id: int
    area_id: int
    project_id: int | None = None
    title: str = Field(min_length=1, max_length=200)
    place: str = Field(min_length=1, max_length=200)
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int = Field(ge=1, le=100_000)
    skill_ids: list[int] = Field(default_factory=list, max_length=50)
    description: str = Field("", max_length=4000)
    is_public: bool = False


class ActivityUpdate(InputSchema):
    version: int
    title: str | None = Field(None, min_length=1, max_length=200)
    place: str | None = Field(None, min_length=1, max_length=200)
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    capacity: int | None = Field(None, ge=1, le=100_000)
    description: str | None = Field(None, max_length=4000)
    is_public: bool | None = None


class TransitionIn(InputSchema):
    action: str = Field(description="open, close, finish or cancel")


class SignUpIn(InputSchema):
    waitlist: bool = False


class TokenIn(InputSchema):
    token: str = Field(min_length=1, max_length=64)


class ConfirmIn(InputSchema):
    version: int
    hours: Decimal | None = Field(
        None, max_digits=4, decimal_places=1, description="Default: the proposed hours."
    )


class HoursCreate(InputSchema):
    person_id: int
    org_id: int
    served_on: EventDate
    place: str = Field("", max_length=200)
    content: str = Field(min_length=1, max_length=500)
    hours: Decimal = Field(max_digits=4, decimal_places=1)


class CorrectIn(InputSchema):
    hours: Decimal = Field(
        max_digits=4, decimal_places=1, description="What the service really took (0: it did not happen)."
    )
    reason: str = Field(min_length=1, max_length=300)
    effective: Decimal | None = Field(
        None, max_digits=5, decimal_places=1, description="The hours the caller saw (409 if stale)."
    )


class EntryFieldsIn(InputSchema):
    """The kind's own fields: ``training_hours`` for a training, ``awarded_by`` (and
    ``award_level``) for an award, ``period`` and ``result`` for an evaluation."""

    occurred_on: EventDate
    title: str = Field(min_length=1, max_length=200)
    content: str = Field("", max_length=500)
    training_hours: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    awarded_by: str = Field("", max_length=200)
    award_level: AwardLevel | Literal[""] = ""
    period: str = Field("", max_length=50)
    result: EvaluationResult | Literal[""] = ""


class RecordEntryCreate(EntryFieldsIn):
    person_id: int
    org_id: int
    kind: RecordEntryKind


class EntryCorrectIn(EntryFieldsIn):
    reason: str = Field(min_length=1, max_length=300)
    seen: int | None = Field(None, description="The id of the entry as the caller saw it (409 if stale).")


class EntryWithdrawIn(InputSchema):
    reason: str = Field(min_length=1, max_length=300)
    seen: int | None = None


class CertificateRequestIn(InputSchema):
    org_id: int
    purpose: str = Field("", max_length=200)


class RewardCreate(InputSchema):
    org_id: int
    area_id: int
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=300)
    cost: int = Field(ge=1, le=1_000_000)
    stock: int = Field(ge=0, le=1_000_000)


# --- helpers ----------------------------------------------------------------------------------


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _require_any(request: HttpRequest, permission: str) -> None:
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied(gettext("You do not have permission to do this."), rule="scope")


def _person_id(request: HttpRequest) -> int:
    person_id = getattr(request.user, "person_id", None)
    if not person_id:
        raise PermissionDenied(gettext("Your account is not linked to a person."), rule="no_person")
    return person_id


def _activity(request: HttpRequest, id: int, action: str = "view") -> Activity:
    _require_any(request, f"activities.{action}_activity")
    return get_object_or_404(
        Activity.objects.visible_to(request.user, action).select_related("org", "area"), pk=id
    )


# --- activities -------------------------------------------------------------------------------


@router.get("/activities", response=ActivityPage, url_name="activities_activity_list")
def activity_list(request: HttpRequest, params: Query[ActivityListParams]) -> dict:
    _require_any(request, "activities.view_activity")
    activities = Activity.objects.visible_to(request.user).order_by("-starts_at", "-id")
    if params.state:
        activities = activities.filter(state=params.state.value)
    if params.org_id is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user), pk=params.org_id)
        activities = activities.filter(org__path__startswith=org.path)
    return _page(activities, params)


@router.post("/activities", response={201: ActivityOut}, url_name="activities_activity_create")
def activity_create(request: HttpRequest, payload: ActivityCreate) -> Status:
    _require_any(request, "activities.add_activity")
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, "activities.add_activity"), pk=payload.org_id
    )
    area = get_object_or_404(
        Area.objects.visible_to(request.user, "activities.add_activity"), pk=payload.area_id
    )
    fields = payload.dict(exclude={"org_id", "area_id", "skill_ids", "project_id"})
    if payload.project_id is not None:
        from dangjian.volunteering.models import Project

        fields["project"] = get_object_or_404(Project.objects.visible_to(request.user), pk=payload.project_id)
    activity = signups.create_activity(
        by=request.user, org=org, area=area, skills=Skill.objects.filter(pk__in=payload.skill_ids), **fields
    )
    return Status(201, activity)


@router.get("/activities/{id:id}", response=ActivityOut, url_name="activities_activity_detail")
def activity_detail(request: HttpRequest, id: int) -> Activity:
    return _activity(request, id)


@router.patch("/activities/{id:id}", response=ActivityOut, url_name="activities_activity_update")
def activity_update(request: HttpRequest, id: int, payload: ActivityUpdate) -> Activity:
    activity = _activity(request, id, "change")
    fields = payload.dict(exclude={"version"}, exclude_none=True)
    return signups.update_activity(activity, by=request.user, version=payload.version, **fields)


@router.post(
    "/activities/{id:id}/transition", response=ActivityOut, url_name="activities_activity_transition"
)
def activity_transition(request: HttpRequest, id: int, payload: TransitionIn) -> Activity:
    return signups.transition(_activity(request, id, "change"), payload.action, by=request.user)


@router.get("/activities/{id:id}/signups", response=SignUpPage, url_name="activities_activity_signups")
def activity_signups(request: HttpRequest, id: int, params: Query[PageParams]) -> dict:
    activity = _activity(request, id)
    return _page(
        SignUp.objects.filter(activity=activity).select_related("person").order_by("signed_up_at", "id"),
        params,
    )


@router.post("/activities/{id:id}/sign-up", response={201: SignUpOut}, url_name="activities_activity_sign_up")
def activity_sign_up(request: HttpRequest, id: int, payload: SignUpIn | None = None) -> Status:
    """Sign the caller up (an activity open to them: public, or of their own organizations)."""
    activity = get_object_or_404(
        selectors.activities_to_join(getattr(request.user, "person_id", None)), pk=id
    )
    signup = signups.sign_up(activity, by=request.user, waitlist=(payload or SignUpIn()).waitlist)
    return Status(201, SignUp.objects.select_related("person").get(pk=signup.pk))


def _scanned(request: HttpRequest, id: int, token: str) -> Activity:
    activity = get_object_or_404(Activity.objects.all(), pk=id)
    if token != activity.check_in_token:
        raise Http404
    return activity


@router.post("/activities/{id:id}/check-in", response=SignUpOut, url_name="activities_activity_check_in")
def activity_check_in(request: HttpRequest, id: int, payload: TokenIn) -> SignUp:
    return signups.check_in(_scanned(request, id, payload.token), token=payload.token, by=request.user)


@router.post("/activities/{id:id}/check-out", response=SignUpOut, url_name="activities_activity_check_out")
def activity_check_out(request: HttpRequest, id: int, payload: TokenIn) -> SignUp:
    return signups.check_out(_scanned(request, id, payload.token), token=payload.token, by=request.user)


@router.post("/signups/{id:id}/cancel", response=SignUpOut, url_name="activities_signup_cancel")
def signup_cancel(request: HttpRequest, id: int) -> SignUp:
    """Cancel the caller's own sign-up, or, for the activity's staff, anyone's."""
    person_id = getattr(request.user, "person_id", None)
    row = SignUp.objects.filter(pk=id, person_id=person_id).first() if person_id else None
    if row is None:
        row = get_object_or_404(SignUp.objects.visible_to(request.user, "activities.change_activity"), pk=id)
    return signups.cancel_sign_up(row, by=request.user)


@router.post("/signups/{id:id}/confirm", response=HoursOut, url_name="activities_signup_confirm")
def signup_confirm(request: HttpRequest, id: int, payload: ConfirmIn) -> HoursRecord:
    """The organizer confirms the hours served (posted to the hours and points ledgers)."""
    _require_any(request, "activities.change_activity")
    row = get_object_or_404(SignUp.objects.visible_to(request.user, "activities.change_activity"), pk=id)
    record = signups.confirm_hours(row, by=request.user, hours=payload.hours, version=payload.version)
    return HoursRecord.objects.select_related("person").get(pk=record.pk)


# --- the hours ledger -------------------------------------------------------------------------


@router.get("/hours", response=HoursPage, url_name="activities_hours_list")
def hours_list(request: HttpRequest, params: Query[HoursListParams]) -> dict:
    _require_any(request, "activities.view_hoursrecord")
    records = (
        HoursRecord.objects.visible_to(request.user).select_related("person").order_by("-served_on", "-id")
    )
    if params.org_id is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user), pk=params.org_id)
        records = records.filter(org__path__startswith=org.path)
    if params.person_id is not None:
        records = records.filter(person_id=params.person_id)
    if params.year is not None:
        records = records.filter(served_on__year=params.year)
    if params.source:
        records = records.filter(source=params.source.value)
    return _page(records, params)


@router.post("/hours", response={201: HoursOut}, url_name="activities_hours_create")
def hours_create(request: HttpRequest, payload: HoursCreate) -> Status:
    """Staff enter service the platform did not see (confirmed at once, with its points)."""
    _require_any(request, "activities.add_hoursrecord")
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, "activities.add_hoursrecord"), pk=payload.org_id
    )
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=payload.person_id)
    record = ledger.record_hours(
        by=request.user,
        person=person,
        org=org,
        served_on=payload.served_on,
        place=payload.place,
        content=payload.content,
        hours=payload.hours,
    )
    return Status(201, HoursRecord.objects.select_related("person").get(pk=record.pk))


@router.post("/hours/{id:id}/correct", response={201: HoursOut}, url_name="activities_hours_correct")
def hours_correct(request: HttpRequest, id: int, payload: CorrectIn) -> Status:
    _require_any(request, "activities.change_hoursrecord")
    record = get_object_or_404(HoursRecord.objects.visible_to(request.user, "change"), pk=id)
    correction = ledger.correct_hours(
        record, by=request.user, hours=payload.hours, reason=payload.reason, effective=payload.effective
    )
    return Status(201, HoursRecord.objects.select_related("person").get(pk=correction.pk))


# --- training, awards and evaluation ---------------------------------------------------------


def _entry_out(entry) -> RecordEntry:
    return RecordEntry.objects.select_related("person").get(pk=entry.pk)


def _entry_fields(payload: EntryFieldsIn) -> dict:
    return payload.dict(include=set(records.CONTENT_FIELDS))


@router.get("/entries", response=RecordEntryPage, url_name="activities_entry_list")
def entry_list(request: HttpRequest, params: Query[EntryListParams]) -> dict:
    """Training, awards and evaluations as they stand (each entry's latest correction)."""
    _require_any(request, "activities.view_recordentry")
    entries = (
        RecordEntry.objects.visible_to(request.user)
        .current()
        .select_related("person")
        .order_by("-occurred_on", "-id")
    )
    if params.kind:
        entries = entries.filter(kind=params.kind.value)
    if params.org_id is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user), pk=params.org_id)
        entries = entries.filter(org__path__startswith=org.path)
    if params.person_id is not None:
        entries = entries.filter(person_id=params.person_id)
    return _page(entries, params)


@router.post("/entries", response={201: RecordEntryOut}, url_name="activities_entry_create")
def entry_create(request: HttpRequest, payload: RecordEntryCreate) -> Status:
    _require_any(request, "activities.add_recordentry")
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, "activities.add_recordentry"), pk=payload.org_id
    )
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=payload.person_id)
    entry = records.record_entry(
        by=request.user, person=person, org=org, kind=payload.kind.value, **_entry_fields(payload)
    )
    return Status(201, _entry_out(entry))


@router.post("/entries/{id:id}/correct", response={201: RecordEntryOut}, url_name="activities_entry_correct")
def entry_correct(request: HttpRequest, id: int, payload: EntryCorrectIn) -> Status:
    """A correcting entry with every field as it should be, the reason and who."""
    _require_any(request, "activities.change_recordentry")
    entry = get_object_or_404(RecordEntry.objects.visible_to(request.user, "change"), pk=id)
    correction = records.correct_entry(
        entry, by=request.user, reason=payload.reason, seen=payload.seen, **_entry_fields(payload)
    )
    return Status(201, _entry_out(correction))


@router.post(
    "/entries/{id:id}/withdraw", response={201: RecordEntryOut}, url_name="activities_entry_withdraw"
)
def entry_withdraw(request: HttpRequest, id: int, payload: EntryWithdrawIn) -> Status:
    """Withdraw an entry made in error (a correcting entry marked withdrawn, with the reason)."""
    _require_any(request, "activities.change_recordentry")
    entry = get_object_or_404(RecordEntry.objects.visible_to(request.user, "change"), pk=id)
    correction = records.correct_entry(
        entry, by=request.user, reason=payload.reason, seen=payload.seen, withdraw=True
    )
    return Status(201, _entry_out(correction))


# --- 证明 -----------------------------------------------------------------------------------------


@router.get("/certificates", response=CertificatePage, url_name="activities_certificate_list")
def certificate_list(
    request: HttpRequest, params: Query[PageParams], state: CertificateState | None = None
) -> dict:
    _require_any(request, "activities.view_certificate")
    certificates = (
        Certificate.objects.visible_to(request.user).select_related("org").order_by("-requested_at", "-id")
    )
    if state:
        certificates = certificates.filter(state=state.value)
    return _page(certificates, params)


@router.post("/certificates/{id:id}/issue", response=CertificateOut, url_name="activities_certificate_issue")
def certificate_issue(request: HttpRequest, id: int) -> Certificate:
    _require_any(request, "activities.change_certificate")
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user, "change"), pk=id)
    return ledger.issue_certificate(certificate, by=request.user)


# --- the caller's own -------------------------------------------------------------------------


@router.get("/me/hours", response=MyHoursOut, url_name="activities_my_hours")
def my_hours(request: HttpRequest, params: Query[PageParams]) -> dict:
    """My confirmed hours (one ledger, 双报到 included): totals and the records, newest first."""
    person_id = _person_id(request)
    totals = selectors.my_hours(person_id)
    page = _page(selectors.my_records(person_id).select_related("person"), params)
    return {
        "year": totals.year,
        "hours_year": totals.hours_year,
        "hours_total": totals.hours_total,
        "records": page["items"],
        "next": page["next"],
    }


@router.get("/me/signups", response=SignUpPage, url_name="activities_my_signups")
def my_signups(request: HttpRequest, params: Query[PageParams]) -> dict:
    return _page(selectors.my_signups(_person_id(request)).select_related("person"), params)


@router.get("/me/points", response=MyPointsOut, url_name="activities_my_points")
def my_points(request: HttpRequest, params: Query[PageParams]) -> dict:
    person_id = _person_id(request)
    page = _page(selectors.my_point_entries(person_id), params)
    return {"balance": selectors.balance_of(person_id), "entries": page["items"], "next": page["next"]}


@router.get("/me/certificates", response=CertificatePage, url_name="activities_my_certificates")
def my_certificates(request: HttpRequest, params: Query[PageParams]) -> dict:
    return _page(selectors.my_certificates(_person_id(request)), params)


@router.post("/me/certificates", response={201: CertificateOut}, url_name="activities_certificate_request")
def certificate_request(request: HttpRequest, payload: CertificateRequestIn) -> Status:
    """Ask an organization that recorded my service for a 证明 (free of charge)."""
    org = get_object_or_404(selectors.recording_orgs(_person_id(request)), pk=payload.org_id)
    certificate = ledger.request_certificate(by=request.user, org=org, purpose=payload.purpose)
    return Status(201, Certificate.objects.select_related("org").get(pk=certificate.pk))


@router.get("/rewards", response=list[RewardOut], url_name="activities_reward_list")
def reward_list(request: HttpRequest) -> list[RewardItem]:
    """The catalogue open to the caller (items in stock)."""
    return list(selectors.catalogue_for(getattr(request.user, "person_id", None))[:MAX_PAGE_SIZE])


@router.post("/rewards", response={201: RewardOut}, url_name="activities_reward_create")
def reward_create(request: HttpRequest, payload: RewardCreate) -> Status:
    _require_any(request, "activities.add_rewarditem")
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, "activities.add_rewarditem"), pk=payload.org_id
    )
    area = get_object_or_404(
        Area.objects.visible_to(request.user, "activities.add_rewarditem"), pk=payload.area_id
    )
    item = points.add_reward(
        by=request.user,
        org=org,
        area=area,
        name=payload.name,
        cost=payload.cost,
        stock=payload.stock,
        description=payload.description,
    )
    return Status(201, item)


@router.post("/rewards/{id:id}/redeem", response={201: RedemptionOut}, url_name="activities_reward_redeem")
def reward_redeem(request: HttpRequest, id: int) -> Status:
    item = get_object_or_404(selectors.catalogue_for(getattr(request.user, "person_id", None)), pk=id)
    return Status(201, points.redeem(item, by=request.user))
