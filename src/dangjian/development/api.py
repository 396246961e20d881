"""API of the development pipeline at /api/v1/development: applicants, an applicant's timeline,
recording a step, and the pipeline board.

The same service functions as the pages do the work, so a refused rule (the one-year rule, the
支部大会 quorum …) answers 400 with the same Chinese message; an applicant outside the caller's
scope answers 404.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.models import Person
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDate
from dangjian.development import services, timeline
from dangjian.development.choices import ApplicantSource, ApplicantState, Stage
from dangjian.development.models import Applicant, StepRecord
from dangjian.development.views import board_columns
from dangjian.orgs.models import Organization

router = Router(tags=["development"])

VIEW = "development.view_applicant"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class ApplicantOut(Schema):
    id: int
    person_id: int
    name: str
    org_id: int
    org_name: str
    stage: str
    stage_label: str
    state: str
    state_label: str
    source: str
    applied_on: datetime.date
    activist_on: datetime.date | None
    candidate_on: datetime.date | None
    admitted_on: datetime.date | None
    probation_ends_on: datetime.date | None
    regularized_on: datetime.date | None
    next_step: str | None
    next_step_name: str | None
    next_due_on: datetime.date | None
    next_due_is_deadline: bool
    is_late: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_next_step(obj) -> str | None:
        return obj.next_step.code if obj.next_step else None

    @staticmethod
    def resolve_next_step_name(obj) -> str | None:
        return obj.next_step.name if obj.next_step else None

    @staticmethod
    def resolve_is_late(obj) -> bool:
        return obj.is_late(timezone.localdate())


class ApplicantPage(Schema):
    items: list[ApplicantOut]
    next: int | None = Field(description="Pass as `offset` for the next page; null on the last page.")


class ApplicantListParams(Schema):
    org: int | None = Field(None, description="An organization: its whole subtree.")
    stage: Stage | None = None
    state: ApplicantState | None = None
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class RecordOut(Schema):
    id: int
    step: str
    step_name: str
    date: datetime.date
    materials: list[str]
    values: dict
    warnings: list[str]
    note: str

    @staticmethod
    def resolve_step(obj) -> str:
        return obj.step.code

    @staticmethod
    def resolve_step_name(obj) -> str:
        return obj.step.name


class TimelineRowOut(Schema):
    step: str
    name: str
    stage: str
    status: str
    earliest: datetime.date | None
    deadline: datetime.date | None
    materials: list[str]
    records: list[RecordOut]


class TimelineOut(Schema):
    applicant: ApplicantOut
    rows: list[TimelineRowOut]


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ApplicantCreate(InputSchema):
    person_id: int
    org_id: int
    date: EventDate
    source: ApplicantSource
    note: str = Field("", max_length=500)


class RecordStepIn(InputSchema):
    step: str = Field(max_length=40)
    date: EventDate
    materials: list[str] | None = None
    note: str = Field("", max_length=1000)
    contacts: list[int] | None = None
    introducers: list[int] | None = None
    present: int | None = Field(None, ge=0)
    in_favour: int | None = Field(None, ge=0)
    against: int | None = Field(None, ge=0)
    abstain: int | None = Field(None, ge=0)
    # Written opinions of absent members with a vote (细则第二十一条): member ids by the way they voted.
    written_in_favour: list[int] | None = None
    written_against: list[int] | None = None
    written_abstain: list[int] | None = None
    days: float | None = Field(None, ge=0)
    hours: float | None = Field(None, ge=0)
    months: int | None = Field(None, ge=0)
    # Why a step is later than its normal limit (a delayed approval, a postponed 转正 discussion).
    reason: str | None = Field(None, max_length=500)


class BoardCard(Schema):
    id: int
    name: str
    org_name: str
    next_step_name: str | None
    next_due_on: datetime.date | None
    is_late: bool


class BoardColumn(Schema):
    stage: str
    label: str
    total: int
    applicants: list[BoardCard]


def _applicants(request: HttpRequest):
    return Applicant.objects.visible_to(request.user).select_related("person", "org", "next_step")


def _require_view(request: HttpRequest) -> None:
    if not scope_of(request.user).has_any(VIEW):
        raise PermissionDenied(
            gettext("You do not have permission to view development applicants."), rule="scope"
        )


def _visible(request: HttpRequest, id: int) -> Applicant:
    applicant = get_object_or_404(_applicants(request), pk=id)
    if not scope_of(request.user).has_perm(VIEW, org_path=applicant.org.path):
        raise Http404
    return applicant


@router.get("/applicants", response=ApplicantPage, url_name="applicant_list")
def applicant_list(request: HttpRequest, params: Query[ApplicantListParams]) -> dict:
    """Applicants of the caller's branches, newest application first."""
    _require_view(request)
    applicants = _applicants(request).order_by("-applied_on", "-id")
    if params.org is not None:
        applicants = applicants.in_subtree(
            get_object_or_404(
                Organization.objects.visible_to(request.user, "development.view_applicant"), pk=params.org
            )
        )
    if params.stage:
        applicants = applicants.filter(stage=params.stage.value)
    if params.state:
        applicants = applicants.filter(state=params.state.value)
    rows = list(applicants[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


@router.post("/applicants", response={201: ApplicantOut}, url_name="applicant_create")
def applicant_create(request: HttpRequest, payload: ApplicantCreate) -> Status:
    """Open a file: ``person_id`` handed in an application to the branch ``org_id`` on ``date``."""
    person = get_object_or_404(
        Person.objects.visible_to(request.user, "development.add_applicant"), pk=payload.person_id
    )
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, "development.add_applicant"), pk=payload.org_id
    )
    applicant = services.apply(
        person, org=org, date=payload.date, source=payload.source.value, by=request.user, note=payload.note
    )
    return Status(201, _visible(request, applicant.pk))


@router.get("/applicants/{id:id}", response=ApplicantOut, url_name="applicant_detail")
def applicant_detail(request: HttpRequest, id: int) -> Applicant:
    return _visible(request, id)


@router.get("/applicants/{id:id}/timeline", response=TimelineOut, url_name="applicant_timeline")
def applicant_timeline(request: HttpRequest, id: int) -> dict:
    """Every step of the pipeline with its records, what is next, its dates and what is late."""
    applicant = _visible(request, id)
    records = list(
        StepRecord.objects.filter(applicant=applicant).select_related("step").order_by("date", "id")
    )
    today = timezone.localdate()
    rows = timeline.build(applicant, records, services.active_steps(applicant.org, today), today)
    return {
        "applicant": applicant,
        "rows": [
            {
                "step": row.step.code,
                "name": row.step.name,
                "stage": row.step.stage,
                "status": row.status,
                "earliest": row.earliest,
                "deadline": row.deadline,
                "materials": row.step.materials,
                "records": row.records,
            }
            for row in rows
        ],
    }


@router.post("/applicants/{id:id}/steps", response={201: RecordOut}, url_name="applicant_record_step")
def applicant_record_step(request: HttpRequest, id: int, payload: RecordStepIn) -> Status:
    """Record a dated step; a refused rule answers 400 with the rule's message."""
    applicant = _visible(request, id)
    data = payload.dict()
    values = {key: value for key, value in data.items() if key not in ("step", "date", "materials", "note")}
    record = services.record_step(
        applicant,
        payload.step,
        payload.date,
        by=request.user,
        materials=payload.materials,
        note=payload.note,
        **{key: value for key, value in values.items() if value is not None},
    )
    return Status(201, record)


@router.get("/board", response=list[BoardColumn], url_name="development_board")
def board(request: HttpRequest, org: int | None = None) -> list[dict]:
    """The pipeline board of ``org``'s subtree: per stage the total and the first applicants by due date."""
    _require_view(request)
    node = (
        get_object_or_404(Organization.objects.visible_to(request.user, "development.view_applicant"), pk=org)
        if org is not None
        else None
    )
    today = timezone.localdate()
    return [
        {
            "stage": column["stage"],
            "label": str(column["label"]),
            "total": column["total"],
            "applicants": [
                {
                    "id": applicant.pk,
                    "name": applicant.person.name,
                    "org_name": applicant.org.name,
                    "next_step_name": applicant.next_step.name if applicant.next_step else None,
                    "next_due_on": applicant.next_due_on,
                    "is_late": applicant.is_late(today),
                }
                for applicant in column["applicants"]
            ],
        }
        for column in board_columns(request.user, node, today)
    ]
