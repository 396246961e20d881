"""API of 示范点 at /api/v1/demonstration: standard sets, applications (evidence, review, decision)
and designations, through the same service functions as the pages. Rows outside the caller's
scope answer 404; ``/public`` lists the active designations without an account and without
personal data."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDate
from dangjian.demonstration import services
from dangjian.demonstration.choices import (
    ApplicationState,
    DemonstrationLevel,
    DesignationState,
    ItemResult,
    RecheckOutcome,
)
from dangjian.demonstration.models import Application, Designation, ItemEvidence, StandardSet
from dangjian.orgs.models import Organization

router = Router(tags=["demonstration"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class ItemOut(Schema):
    id: int
    number: int
    title: str
    description: str
    evidence_required: str


class SetOut(Schema):
    id: int
    org_id: int
    org_name: str
    level: str
    name: str
    year: int
    edition: int
    state: str

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class SetDetail(SetOut):
    description: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.order_by("number"))


class EvidenceOut(Schema):
    id: int
    item_id: int
    item_number: int
    item_title: str
    text: str
    result: str
    comment: str
    files: list[str]
    version: int

    @staticmethod
    def resolve_item_number(obj) -> int:
        return obj.item.number

    @staticmethod
    def resolve_item_title(obj) -> str:
        return obj.item.title

    @staticmethod
    def resolve_files(obj) -> list[str]:
        return [file.original_name for file in obj.files.all()]


class ApplicationOut(Schema):
    id: int
    org_id: int
    org_name: str
    standard_set_id: int
    level: str
    state: str
    summary: str
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    decision_reason: str
    version: int

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class ApplicationDetail(ApplicationOut):
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(obj) -> list:
        return list(obj.evidence.select_related("item").prefetch_related("files").order_by("item__number"))


class DesignationOut(Schema):
    id: int
    org_id: int
    org_name: str
    level: str
    standard_set_id: int
    since: datetime.date
    next_recheck_due: datetime.date
    rectify_by: datetime.date | None
    state: str
    ended_on: datetime.date | None
    version: int

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class PublicDesignation(Schema):
    org_name: str
    level: str
    level_label: str
    since: datetime.date
    standard_set: str

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_standard_set(obj) -> str:
        return obj.standard_set.name


class SetPage(Schema):
    items: list[SetOut]
    next: int | None = None


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    next: int | None = None


class DesignationPage(Schema):
    items: list[DesignationOut]
    next: int | None = None


class PublicPage(Schema):
    items: list[PublicDesignation]
    next: int | None = None


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class SetParams(PageParams):
    level: DemonstrationLevel | None = None
    year: int | None = Field(None, ge=services.MIN_YEAR, le=services.MAX_YEAR)


class ApplicationParams(PageParams):
    state: ApplicationState | None = None
    level: DemonstrationLevel | None = None
    org_id: int | None = None


class DesignationParams(PageParams):
    state: DesignationState | None = None
    level: DemonstrationLevel | None = None
    org_id: int | None = None
    due: bool = False


class PublicParams(PageParams):
    level: DemonstrationLevel | None = None
    year: int | None = Field(None, ge=services.MIN_YEAR, le=services.MAX_YEAR)


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ApplicationIn(InputSchema):
    org_id: int
    standard_set_id: int
    summary: str = Field("", max_length=4000)


class EvidenceIn(InputSchema):
    text: str = Field(max_length=8000)
    version: int | None = None


class ReviewIn(InputSchema):
    result: ItemResult
    comment: str = Field("", max_length=2000)


class DecisionIn(InputSchema):
    decision: str = Field(pattern="^(designate|reject)$")
    reason: str = Field("", max_length=2000)
    since: EventDate | None = None
    next_recheck_due: EventDate | None = None
    version: int | None = None


class ResultIn(InputSchema):
    item_id: int
    met: bool
    comment: str = Field("", max_length=500)


class RecheckIn(InputSchema):
    outcome: RecheckOutcome
    results: list[ResultIn] = Field(max_length=100)
    checked_on: EventDate | None = None
    rectify_working_days: int | None = Field(None, ge=1, le=services.MAX_RECTIFY_WORKING_DAYS)
    note: str = Field("", max_length=2000)
    version: int | None = None


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _require_any(request: HttpRequest, permission: str) -> None:
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied(
            gettext("You do not have permission to do this within this scope."), rule="scope"
        )


def _one(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _application(request: HttpRequest, id: int) -> Application:
    return _one(Application.objects.visible_to(request.user).select_related("org", "standard_set"), id)


def _designation(request: HttpRequest, id: int) -> Designation:
    return _one(Designation.objects.visible_to(request.user).select_related("org", "standard_set"), id)


def _org(request: HttpRequest, id: int, permission: str) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(request.user, permission), pk=id)


@router.get("/standards", response=SetPage, url_name="demonstration_set_list")
def set_list(request: HttpRequest, params: Query[SetParams]) -> dict:
    _require_any(request, "demonstration.view_standardset")
    sets = StandardSet.objects.visible_to(request.user).select_related("org")
    if params.level:
        sets = sets.filter(level=params.level.value)
    if params.year:
        sets = sets.filter(year=params.year)
    return _page(sets.order_by("-year", "level", "name", "-edition", "-id"), params)


@router.get("/standards/{id:id}", response=SetDetail, url_name="demonstration_set_detail")
def set_detail(request: HttpRequest, id: int) -> StandardSet:
    return _one(StandardSet.objects.visible_to(request.user).select_related("org"), id)


@router.get("/applications", response=ApplicationPage, url_name="demonstration_application_list")
def application_list(request: HttpRequest, params: Query[ApplicationParams]) -> dict:
    _require_any(request, "demonstration.view_application")
    applications = Application.objects.visible_to(request.user).select_related("org")
    if params.state:
        applications = applications.filter(state=params.state.value)
    if params.level:
        applications = applications.filter(level=params.level.value)
    if params.org_id is not None:
        org = _org(request, params.org_id, "demonstration.view_application")
        applications = applications.filter(org__path__startswith=org.path)
    return _page(applications.order_by("-created_at", "-id"), params)


@router.post("/applications", response={201: ApplicationDetail}, url_name="demonstration_application_create")
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status:
    application = services.create_application(
        by=request.user,
        org=_org(request, payload.org_id, "demonstration.add_application"),
        standard_set=_one(
            StandardSet.objects.visible_to(request.user).select_related("org"), payload.standard_set_id
        ),
        summary=payload.summary,
    )
    return Status(201, _application(request, application.pk))


@router.get("/applications/{id:id}", response=ApplicationDetail, url_name="demonstration_application_detail")
def application_detail(request: HttpRequest, id: int) -> Application:
    return _application(request, id)


def _evidence(request: HttpRequest, id: int) -> ItemEvidence:
    return _one(
        ItemEvidence.objects.visible_to(request.user, "demonstration.view_application").select_related(
            "item", "application__org"
        ),
        id,
    )


@router.patch("/evidence/{id:id}", response=EvidenceOut, url_name="demonstration_evidence_update")
def evidence_update(request: HttpRequest, id: int, payload: EvidenceIn) -> ItemEvidence:
    """The evidence text of one item (a draft application only); ``version`` as read (409 if stale)."""
    services.save_evidence(
        _evidence(request, id), by=request.user, text=payload.text, version=payload.version
    )
    return _evidence(request, id)


@router.post("/evidence/{id:id}/review", response=EvidenceOut, url_name="demonstration_evidence_review")
def evidence_review(request: HttpRequest, id: int, payload: ReviewIn) -> ItemEvidence:
    services.review_item(
        _evidence(request, id), by=request.user, result=payload.result.value, comment=payload.comment
    )
    return _evidence(request, id)


@router.post(
    "/applications/{id:id}/submit", response=ApplicationDetail, url_name="demonstration_application_submit"
)
def application_submit(request: HttpRequest, id: int) -> Application:
    services.submit_application(_application(request, id), by=request.user)
    return _application(request, id)


@router.post(
    "/applications/{id:id}/review",
    response=ApplicationDetail,
    url_name="demonstration_application_start_review",
)
def application_start_review(request: HttpRequest, id: int) -> Application:
    services.start_review(_application(request, id), by=request.user)
    return _application(request, id)


@router.post(
    "/applications/{id:id}/decide", response=ApplicationDetail, url_name="demonstration_application_decide"
)
def application_decide(request: HttpRequest, id: int, payload: DecisionIn) -> Application:
    application = _application(request, id)
    if payload.decision == "designate":
        services.designate(
            application,
            by=request.user,
            since=payload.since,
            next_recheck_due=payload.next_recheck_due,
            version=payload.version,
            note=payload.reason,
        )
    else:
        services.reject(application, by=request.user, reason=payload.reason, version=payload.version)
    return _application(request, id)


@router.get("/designations", response=DesignationPage, url_name="demonstration_designation_list")
def designation_list(request: HttpRequest, params: Query[DesignationParams]) -> dict:
    _require_any(request, "demonstration.view_designation")
    designations = Designation.objects.visible_to(request.user).select_related("org")
    if params.state:
        designations = designations.filter(state=params.state.value)
    if params.level:
        designations = designations.filter(level=params.level.value)
    if params.org_id is not None:
        org = _org(request, params.org_id, "demonstration.view_designation")
        designations = designations.filter(org__path__startswith=org.path)
    if params.due:
        designations = designations.recheck_due()
    return _page(designations.order_by("-since", "-id"), params)


@router.get("/designations/{id:id}", response=DesignationOut, url_name="demonstration_designation_detail")
def designation_detail(request: HttpRequest, id: int) -> Designation:
    return _designation(request, id)


@router.post(
    "/designations/{id:id}/rechecks", response={201: DesignationOut}, url_name="demonstration_recheck_create"
)
def recheck_create(request: HttpRequest, id: int, payload: RecheckIn) -> Status:
    """A re-check: a result for every standard item and the outcome (keep, warn, revoke)."""
    services.record_recheck(
        _designation(request, id),
        by=request.user,
        results={row.item_id: (row.met, row.comment) for row in payload.results},
        outcome=payload.outcome.value,
        checked_on=payload.checked_on,
        rectify_working_days=payload.rectify_working_days,
        note=payload.note,
        version=payload.version,
    )
    return Status(201, _designation(request, id))


@router.get("/public", response=PublicPage, auth=None, url_name="demonstration_public_list")
def public_list(request: HttpRequest, params: Query[PublicParams]) -> dict:
    """Active 示范点 for everyone: organization, level, since and standard set — no personal data."""
    designations = Designation.objects.active().select_related("org", "standard_set")
    if params.level:
        designations = designations.filter(level=params.level.value)
    if params.year:
        designations = designations.filter(since__year=params.year)
    return _page(designations.order_by("-since", "-id"), params)
