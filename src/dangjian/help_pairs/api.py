"""API of 帮扶对子 at /api/v1/help-pairs: pairs and their visits, through the same service
functions as the pages (rights, rules, audit and the version check are shared). Pairs outside
the caller's scope answer 404; a helper reads and logs visits on their own pairs by identity.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.models import Person
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDate
from dangjian.help_pairs import services
from dangjian.help_pairs.choices import PairKind, PairState
from dangjian.help_pairs.models import HelpPair, Visit
from dangjian.orgs.models import Area, Organization

router = Router(tags=["help_pairs"])

VIEW = "help_pairs.view_helppair"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
PAIR_RELATED = ["helper", "family_head", "area", "org"]


class PairOut(Schema):
    id: int
    helper_id: int
    helper_name: str
    kind: str
    family_head_id: int | None
    enterprise_name: str
    target_name: str
    area_id: int
    area_name: str
    org_id: int
    org_name: str
    since: datetime.date
    until: datetime.date | None
    visit_interval_days: int
    state: str
    last_visited_on: datetime.date | None
    next_visit_due: datetime.date
    overdue: bool
    note: str
    version: int

    @staticmethod
    def resolve_helper_name(obj) -> str:
        return obj.helper.name

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()


class VisitOut(Schema):
    id: int
    pair_id: int
    visited_on: datetime.date
    findings: str
    problems_raised: str
    problems_raised_count: int
    problems_solved: str
    problems_solved_count: int
    next_steps: str
    version: int


class PairPage(Schema):
    items: list[PairOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class VisitPage(Schema):
    items: list[VisitOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class PairListParams(PageParams):
    kind: PairKind | None = None
    state: PairState | None = None
    org_id: int | None = Field(None, description="Pairs owned by this organization's subtree.")
    overdue: bool = False


class VisitListParams(PageParams):
    pair_id: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class PairIn(InputSchema):
    helper_id: int
    kind: PairKind
    family_head_id: int | None = None
    enterprise_name: str = Field("", max_length=200)
    area_id: int
    org_id: int
    since: EventDate | None = None
    until: EventDate | None = None
    visit_interval_days: int = Field(30, ge=1, le=366)
    note: str = Field("", max_length=2000)


class PairPatch(InputSchema):
    version: int
    helper_id: int | None = None
    family_head_id: int | None = None
    enterprise_name: str | None = Field(None, max_length=200)
    area_id: int | None = None
    org_id: int | None = None
    since: EventDate | None = None
    until: EventDate | None = None
    visit_interval_days: int | None = Field(None, ge=1, le=366)
    note: str | None = Field(None, max_length=2000)


class EndIn(InputSchema):
    until: EventDate | None = None
    version: int | None = None
    note: str = Field("", max_length=500)


class VisitIn(InputSchema):
    visited_on: EventDate | None = None
    findings: str = Field("", max_length=4000)
    problems_raised: str = Field("", max_length=4000)
    problems_raised_count: int = Field(0, ge=0, le=100)
    problems_solved: str = Field("", max_length=4000)
    problems_solved_count: int = Field(0, ge=0, le=100)
    next_steps: str = Field("", max_length=4000)


class VisitPatch(InputSchema):
    version: int
    reason: str = Field(min_length=1, max_length=500)
    visited_on: EventDate | None = None
    findings: str | None = Field(None, max_length=4000)
    problems_raised: str | None = Field(None, max_length=4000)
    problems_raised_count: int | None = Field(None, ge=0, le=100)
    problems_solved: str | None = Field(None, max_length=4000)
    problems_solved_count: int | None = Field(None, ge=0, le=100)
    next_steps: str | None = Field(None, max_length=4000)


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _require_any(request: HttpRequest, permission: str = VIEW) -> None:
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied(gettext("You do not have permission to view help pairs."), rule="scope")


def _pair(request: HttpRequest, id: int, *, allow_own: bool = True) -> HelpPair:
    pair = HelpPair.objects.select_related(*PAIR_RELATED).filter(pk=id).first()
    if pair is None:
        raise Http404
    if allow_own and services.is_own_pair(request.user, pair):
        return pair
    if not HelpPair.objects.visible_to(request.user).filter(pk=id).exists():
        raise Http404
    return pair


def _person(request: HttpRequest, pk: int | None) -> Person | None:
    if pk is None:
        return None
    return get_object_or_404(Person.objects.visible_to(request.user), pk=pk)


@router.get("/pairs", response=PairPage, url_name="help_pairs_pair_list")
def pair_list(request: HttpRequest, params: Query[PairListParams]) -> dict:
    """Pairs in the caller's scope; ``overdue`` keeps the active ones whose visit is overdue."""
    _require_any(request)
    pairs = HelpPair.objects.visible_to(request.user).select_related(*PAIR_RELATED)
    if params.kind:
        pairs = pairs.filter(kind=params.kind.value)
    if params.state:
        pairs = pairs.filter(state=params.state.value)
    if params.org_id is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=params.org_id)
        pairs = pairs.filter(org__path__startswith=org.path)
    if params.overdue:
        pairs = pairs.overdue()
    return _page(pairs.order_by("-since", "-id"), params)


@router.post("/pairs", response={201: PairOut}, url_name="help_pairs_pair_create")
def pair_create(request: HttpRequest, payload: PairIn) -> Status:
    pair = services.create_pair(
        by=request.user,
        helper=_person(request, payload.helper_id),
        kind=payload.kind.value,
        family_head=_person(request, payload.family_head_id),
        enterprise_name=payload.enterprise_name,
        area=get_object_or_404(Area.objects.visible_to(request.user), pk=payload.area_id),
        org=get_object_or_404(Organization.objects.visible_to(request.user), pk=payload.org_id),
        since=payload.since,
        until=payload.until,
        visit_interval_days=payload.visit_interval_days,
        note=payload.note,
    )
    return Status(201, _pair(request, pair.pk))


@router.get("/pairs/{id:id}", response=PairOut, url_name="help_pairs_pair_detail")
def pair_detail(request: HttpRequest, id: int) -> HelpPair:
    return _pair(request, id)


@router.patch("/pairs/{id:id}", response=PairOut, url_name="help_pairs_pair_update")
def pair_update(request: HttpRequest, id: int, payload: PairPatch) -> HelpPair:
    """Edit a pair; ``version`` is the one read (a stale one answers 409)."""
    pair = _pair(request, id, allow_own=False)
    data = payload.dict(exclude_unset=True)
    fields: dict = {}
    for name in ("enterprise_name", "since", "until", "visit_interval_days", "note"):
        if name in data and (data[name] is not None or name == "until"):
            fields[name] = data[name]
    if "helper_id" in data:
        fields["helper"] = _person(request, data["helper_id"])
    if "family_head_id" in data:
        fields["family_head"] = _person(request, data["family_head_id"])
    if "area_id" in data:
        fields["area"] = get_object_or_404(Area.objects.visible_to(request.user), pk=data["area_id"])
    if "org_id" in data:
        fields["org"] = get_object_or_404(Organization.objects.visible_to(request.user), pk=data["org_id"])
    services.update_pair(pair, by=request.user, version=payload.version, **fields)
    return _pair(request, id)


@router.post("/pairs/{id:id}/end", response=PairOut, url_name="help_pairs_pair_end")
def pair_end(request: HttpRequest, id: int, payload: EndIn | None = None) -> HelpPair:
    payload = payload or EndIn()
    services.end_pair(
        _pair(request, id, allow_own=False),
        by=request.user,
        until=payload.until,
        version=payload.version,
        note=payload.note,
    )
    return _pair(request, id)


@router.get("/visits", response=VisitPage, url_name="help_pairs_visit_list")
def visit_list(request: HttpRequest, params: Query[VisitListParams]) -> dict:
    """Visits in the caller's scope, or of one pair (their own pair too, for a helper)."""
    if params.pair_id is not None:
        visits = Visit.objects.filter(pair=_pair(request, params.pair_id))
    else:
        _require_any(request, "help_pairs.view_visit")
        visits = Visit.objects.visible_to(request.user)
    if params.start:
        visits = visits.filter(visited_on__gte=params.start)
    if params.end:
        visits = visits.filter(visited_on__lte=params.end)
    return _page(visits.order_by("-visited_on", "-id"), params)


@router.post("/pairs/{id:id}/visits", response={201: VisitOut}, url_name="help_pairs_visit_create")
def visit_create(request: HttpRequest, id: int, payload: VisitIn) -> Status:
    visit = services.log_visit(_pair(request, id), by=request.user, **payload.dict(exclude_none=True))
    return Status(201, visit)


@router.patch("/visits/{id:id}", response=VisitOut, url_name="help_pairs_visit_update")
def visit_update(request: HttpRequest, id: int, payload: VisitPatch) -> Visit:
    """Correct a visit with a reason; the audit log keeps what it said before."""
    visit = Visit.objects.filter(pk=id).first()
    if visit is None:
        raise Http404
    visit.pair = _pair(request, visit.pair_id)
    data = payload.dict(exclude_unset=True, exclude_none=True, exclude={"version", "reason"})
    return services.correct_visit(
        visit, by=request.user, version=payload.version, reason=payload.reason, **data
    )
