"""API of the 三张清单 and 微心愿 at /api/v1/volunteering: needs, resources, projects and wishes,
through the same service functions as the pages (permission checks, rules, audit lines, stale
edits refused with 409). Rows outside the caller's scope answer 404; a party member claims and
fulfils wishes by identity, as on the pages.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDate, not_null
from dangjian.orgs.models import Area, Organization
from dangjian.service.models import ServiceRequest
from dangjian.volunteering.choices import (
    NeedCategory,
    NeedSource,
    NeedState,
    ProjectState,
    ResourceKind,
    VolunteerState,
    WishState,
)
from dangjian.volunteering.lists import services
from dangjian.volunteering.models import Need, Project, Resource, Skill, Volunteer, Wish

router = Router(tags=["volunteering"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
NEXT = "Pass as `offset` for the next page; null on the last page."


# --- schemas ----------------------------------------------------------------------------------


class NeedOut(Schema):
    id: int
    title: str
    description: str
    category: str
    state: str
    source: str
    area_id: int
    area_name: str
    org_id: int
    skill_ids: list[int]
    availability: int
    is_public: bool
    project_id: int | None
    service_request_id: int | None
    volunteer_id: int | None
    assigned_at: datetime.datetime | None
    met_at: datetime.datetime | None
    outcome: str
    created_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_skill_ids(obj) -> list[int]:
        return [skill.pk for skill in obj.skills.all()]


class ResourceOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    area_id: int
    org_id: int
    unit_org_id: int | None
    team_id: int | None
    capacity: str
    is_available: bool
    version: int


class ProjectOut(Schema):
    id: int
    title: str
    goals: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    places: str
    state: str
    area_id: int
    org_id: int
    version: int


class WishOut(Schema):
    id: int
    title: str
    description: str
    state: str
    area_id: int
    org_id: int
    resident_name: str = Field(description="Masked (张*) for anyone but the community's staff.")
    published_at: datetime.datetime | None
    claimed_by_id: int | None = Field(description="The person who claimed it.")
    claimed_at: datetime.datetime | None
    fulfilled_at: datetime.datetime | None
    proof: str
    confirmed_at: datetime.datetime | None
    confirmation_note: str
    withdrawn_at: datetime.datetime | None
    created_at: datetime.datetime
    version: int


class NeedPage(Schema):
    items: list[NeedOut]
    next: int | None = Field(None, description=NEXT)


class ResourcePage(Schema):
    items: list[ResourceOut]
    next: int | None = Field(None, description=NEXT)


class ProjectPage(Schema):
    items: list[ProjectOut]
    next: int | None = Field(None, description=NEXT)


class WishPage(Schema):
    items: list[WishOut]
    next: int | None = Field(None, description=NEXT)


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)
    area_id: int | None = Field(None, description="Rows in this area's subtree.")
    org_id: int | None = Field(None, description="Rows of this organization's subtree.")
    q: str = Field("", max_length=50, description="Text in the title or name.")


class NeedParams(PageParams):
    state: NeedState | None = None
    category: NeedCategory | None = None
    source: NeedSource | None = None


class ResourceParams(PageParams):
    kind: ResourceKind | None = None


class ProjectParams(PageParams):
    state: ProjectState | None = None


class WishParams(PageParams):
    state: WishState | None = None


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class Versioned(InputSchema):
    version: int | None = Field(None, description="The version read; a stale one is refused with 409.")


class NeedIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    category: NeedCategory
    description: str = Field("", max_length=4000)
    area_id: int
    skill_ids: list[int] = Field(default_factory=list, max_length=50)
    availability: int = Field(0, ge=0, le=(1 << 21) - 1)
    project_id: int | None = None
    is_public: bool = False
    from_request_id: int | None = Field(None, description="Turn this service request into the need.")


class NeedPatch(Versioned):
    title: str | None = Field(None, min_length=1, max_length=200)
    category: NeedCategory | None = None
    description: str | None = Field(None, max_length=4000)
    area_id: int | None = None
    skill_ids: list[int] | None = Field(None, max_length=50)
    availability: int | None = Field(None, ge=0, le=(1 << 21) - 1)
    project_id: int | None = None
    is_public: bool | None = None

    check_not_null = not_null("title", "category", "area_id", "skill_ids", "availability", "is_public")


class AssignIn(Versioned):
    volunteer_id: int


class OutcomeIn(Versioned):
    outcome: str = Field(min_length=1, max_length=2000)


class ReasonIn(Versioned):
    reason: str = Field(min_length=1, max_length=200)


class ResourceIn(InputSchema):
    kind: ResourceKind
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    area_id: int
    capacity: str = Field("", max_length=100)
    is_available: bool = True


class ResourcePatch(Versioned):
    kind: ResourceKind | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    area_id: int | None = None
    capacity: str | None = Field(None, max_length=100)
    is_available: bool | None = None

    check_not_null = not_null("kind", "name", "area_id", "is_available")


class ProjectIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    goals: str = Field("", max_length=4000)
    area_id: int
    starts_on: EventDate
    ends_on: EventDate | None = None
    places: str = Field("", max_length=255)
    state: ProjectState = ProjectState.PLANNED


class ProjectPatch(Versioned):
    title: str | None = Field(None, min_length=1, max_length=200)
    goals: str | None = Field(None, max_length=4000)
    area_id: int | None = None
    starts_on: EventDate | None = None
    ends_on: EventDate | None = None
    places: str | None = Field(None, max_length=255)
    state: ProjectState | None = None

    check_not_null = not_null("title", "area_id", "starts_on", "state")


class WishIn(InputSchema):
    title: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    area_id: int
    resident_name: str = Field(min_length=1, max_length=64)
    phone: str = Field("", max_length=20)


class ProofIn(InputSchema):
    proof: str = Field(min_length=1, max_length=2000)


class NoteIn(Versioned):
    note: str = Field(min_length=1, max_length=200)


# --- helpers ----------------------------------------------------------------------------------


def _require_any(request: HttpRequest, model) -> None:
    permission = f"volunteering.view_{model._meta.model_name}"
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied(gettext("You do not have permission to view these records."), rule="scope")


def _get(request: HttpRequest, model, id: int, *related: str):
    return get_object_or_404(model.objects.visible_to(request.user).select_related(*related), pk=id)


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _listed(request: HttpRequest, model, params: PageParams, text_field: str, *related: str):
    _require_any(request, model)
    rows = model.objects.visible_to(request.user).select_related(*related)
    if params.area_id is not None:
        area = get_object_or_404(Area.objects.visible_to(request.user), pk=params.area_id)
        rows = rows.filter(area__path__startswith=area.path)
    if params.org_id is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user), pk=params.org_id)
        rows = rows.filter(org__path__startswith=org.path)
    if params.q.strip():
        rows = rows.filter(**{f"{text_field}__icontains": params.q.strip()})
    return rows


def _area(request: HttpRequest, area_id: int, permission: str) -> Area:
    return get_object_or_404(Area.objects.visible_to(request.user, permission), pk=area_id)


def _skills(ids: list[int]) -> list[Skill]:
    return list(Skill.objects.filter(pk__in=ids, is_active=True))


def _project(request: HttpRequest, project_id: int | None) -> Project | None:
    if project_id is None:
        return None
    return get_object_or_404(Project.objects.visible_to(request.user), pk=project_id)


def _wish_out(wish: Wish, user) -> Wish:
    # Staff over the wish's place read the resident's name; anyone else (a claiming member) the mask.
    if not services.may(user, "volunteering.view_wish", wish):
        wish.resident_name = services.masked_name(wish.resident.name)
    else:
        wish.resident_name = wish.resident.name
    return wish


# --- needs ------------------------------------------------------------------------------------


NEED_RELATED = ("area", "org")


def _need(request: HttpRequest, id: int) -> Need:
    return Need.objects.prefetch_related("skills").get(pk=_get(request, Need, id).pk)


@router.get("/needs", response=NeedPage, url_name="vol_need_list")
def need_list(request: HttpRequest, params: Query[NeedParams]) -> dict:
    """Needs the caller sees, newest first."""
    rows = _listed(request, Need, params, "title", *NEED_RELATED).prefetch_related("skills")
    if params.state:
        rows = rows.filter(state=params.state.value)
    if params.category:
        rows = rows.filter(category=params.category.value)
    if params.source:
        rows = rows.filter(source=params.source.value)
    return _page(rows.order_by("-created_at", "-id"), params)


@router.post("/needs", response={201: NeedOut}, url_name="vol_need_create")
def need_create(request: HttpRequest, payload: NeedIn) -> Status:
    """Record a need (staff, or a grid worker in their grid); ``from_request_id`` turns a service
    request the caller can see into it."""
    service_request = None
    if payload.from_request_id is not None:
        service_request = get_object_or_404(
            ServiceRequest.objects.visible_to(request.user), pk=payload.from_request_id
        )
    need = services.create_need(
        by=request.user,
        area=_area(request, payload.area_id, "volunteering.add_need"),
        title=payload.title,
        category=payload.category.value,
        description=payload.description,
        skills=_skills(payload.skill_ids),
        availability=payload.availability,
        project=_project(request, payload.project_id),
        is_public=payload.is_public,
        source=services.need_source_for(request.user),
        service_request=service_request,
    )
    return Status(201, _need(request, need.pk))


@router.get("/needs/{id:id}", response=NeedOut, url_name="vol_need_detail")
def need_detail(request: HttpRequest, id: int) -> Need:
    return _need(request, id)


@router.patch("/needs/{id:id}", response=NeedOut, url_name="vol_need_update")
def need_update(request: HttpRequest, id: int, payload: NeedPatch) -> Need:
    need = _get(request, Need, id, *NEED_RELATED)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    skills = _skills(data.pop("skill_ids")) if data.get("skill_ids") is not None else None
    data.pop("skill_ids", None)
    if "area_id" in data:
        data["area"] = _area(request, data.pop("area_id"), "volunteering.change_need")
    if "project_id" in data:
        data["project"] = _project(request, data.pop("project_id"))
    if "category" in data:
        data["category"] = str(data["category"])
    services.update_need(need, by=request.user, version=version, skills=skills, **data)
    return _need(request, id)


@router.post("/needs/{id:id}/assign", response=NeedOut, url_name="vol_need_assign")
def need_assign(request: HttpRequest, id: int, payload: AssignIn) -> Need:
    need = _get(request, Need, id, *NEED_RELATED)
    volunteer = get_object_or_404(
        Volunteer.objects.visible_to(request.user).filter(state=VolunteerState.ACTIVE),
        pk=payload.volunteer_id,
    )
    services.assign_need(need, volunteer, request.user, version=payload.version)
    return _need(request, id)


@router.post("/needs/{id:id}/unassign", response=NeedOut, url_name="vol_need_unassign")
def need_unassign(request: HttpRequest, id: int, payload: Versioned | None = None) -> Need:
    services.unassign_need(
        _get(request, Need, id, *NEED_RELATED), request.user, version=(payload or Versioned()).version
    )
    return _need(request, id)


@router.post("/needs/{id:id}/met", response=NeedOut, url_name="vol_need_met")
def need_met(request: HttpRequest, id: int, payload: OutcomeIn) -> Need:
    services.mark_need_met(
        _get(request, Need, id, *NEED_RELATED),
        by=request.user,
        outcome=payload.outcome,
        version=payload.version,
    )
    return _need(request, id)


@router.post("/needs/{id:id}/close", response=NeedOut, url_name="vol_need_close")
def need_close(request: HttpRequest, id: int, payload: ReasonIn) -> Need:
    services.close_need(
        _get(request, Need, id, *NEED_RELATED),
        by=request.user,
        reason=payload.reason,
        version=payload.version,
    )
    return _need(request, id)


# --- resources and projects -------------------------------------------------------------------


@router.get("/resources", response=ResourcePage, url_name="vol_resource_list")
def resource_list(request: HttpRequest, params: Query[ResourceParams]) -> dict:
    rows = _listed(request, Resource, params, "name")
    if params.kind:
        rows = rows.filter(kind=params.kind.value)
    return _page(rows.order_by("kind", "name", "id"), params)


@router.post("/resources", response={201: ResourceOut}, url_name="vol_resource_create")
def resource_create(request: HttpRequest, payload: ResourceIn) -> Status:
    data = payload.dict()
    data["area"] = _area(request, data.pop("area_id"), "volunteering.add_resource")
    data["kind"] = str(data["kind"])
    return Status(201, services.create_resource(by=request.user, **data))


@router.get("/resources/{id:id}", response=ResourceOut, url_name="vol_resource_detail")
def resource_detail(request: HttpRequest, id: int) -> Resource:
    return _get(request, Resource, id)


@router.patch("/resources/{id:id}", response=ResourceOut, url_name="vol_resource_update")
def resource_update(request: HttpRequest, id: int, payload: ResourcePatch) -> Resource:
    resource = _get(request, Resource, id, "area", "org")
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    if "area_id" in data:
        data["area"] = _area(request, data.pop("area_id"), "volunteering.change_resource")
    if "kind" in data:
        data["kind"] = str(data["kind"])
    return services.update_resource(resource, by=request.user, version=version, **data)


@router.get("/projects", response=ProjectPage, url_name="vol_project_list")
def project_list(request: HttpRequest, params: Query[ProjectParams]) -> dict:
    rows = _listed(request, Project, params, "title")
    if params.state:
        rows = rows.filter(state=params.state.value)
    return _page(rows.order_by("-starts_on", "-id"), params)


@router.post("/projects", response={201: ProjectOut}, url_name="vol_project_create")
def project_create(request: HttpRequest, payload: ProjectIn) -> Status:
    data = payload.dict()
    data["area"] = _area(request, data.pop("area_id"), "volunteering.add_project")
    data["state"] = str(data["state"])
    return Status(201, services.create_project(by=request.user, **data))


@router.get("/projects/{id:id}", response=ProjectOut, url_name="vol_project_detail")
def project_detail(request: HttpRequest, id: int) -> Project:
    return _get(request, Project, id)


@router.patch("/projects/{id:id}", response=ProjectOut, url_name="vol_project_update")
def project_update(request: HttpRequest, id: int, payload: ProjectPatch) -> Project:
    project = _get(request, Project, id, "area", "org")
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    if "area_id" in data:
        data["area"] = _area(request, data.pop("area_id"), "volunteering.change_project")
    if "state" in data:
        data["state"] = str(data["state"])
    return services.update_project(project, by=request.user, version=version, **data)


# --- 微心愿 -------------------------------------------------------------------------------------

WISH_RELATED = ("area", "org", "resident")


def _wish(request: HttpRequest, id: int) -> Wish:
    return _wish_out(_get(request, Wish, id, *WISH_RELATED), request.user)


@router.get("/wishes", response=WishPage, url_name="vol_wish_list")
def wish_list(request: HttpRequest, params: Query[WishParams]) -> dict:
    rows = _listed(request, Wish, params, "title", *WISH_RELATED)
    if params.state:
        rows = rows.filter(state=params.state.value)
    page = _page(rows.order_by("-created_at", "-id"), params)
    for wish in page["items"]:
        _wish_out(wish, request.user)
    return page


@router.post("/wishes", response={201: WishOut}, url_name="vol_wish_create")
def wish_create(request: HttpRequest, payload: WishIn) -> Status:
    """Staff record a resident's wish; the resident follows it with the code shown on its page."""
    wish = services.record_wish(
        by=request.user,
        area=_area(request, payload.area_id, "volunteering.add_wish"),
        title=payload.title,
        description=payload.description,
        resident_name=payload.resident_name,
        phone=payload.phone.strip(),
    )
    return Status(201, _wish(request, wish.pk))


@router.get("/wishes/{id:id}", response=WishOut, url_name="vol_wish_detail")
def wish_detail(request: HttpRequest, id: int) -> Wish:
    return _wish(request, id)


@router.post("/wishes/{id:id}/publish", response=WishOut, url_name="vol_wish_publish")
def wish_publish(request: HttpRequest, id: int, payload: Versioned | None = None) -> Wish:
    services.publish_wish(
        _get(request, Wish, id, *WISH_RELATED), by=request.user, version=(payload or Versioned()).version
    )
    return _wish(request, id)


@router.post("/wishes/{id:id}/confirm", response=WishOut, url_name="vol_wish_confirm")
def wish_confirm(request: HttpRequest, id: int, payload: NoteIn) -> Wish:
    """Confirm the fulfilment on the resident's behalf, saying how they confirmed."""
    services.confirm_wish(_get(request, Wish, id, *WISH_RELATED), by=request.user, note=payload.note)
    return _wish(request, id)


@router.post("/wishes/{id:id}/withdraw", response=WishOut, url_name="vol_wish_withdraw")
def wish_withdraw(request: HttpRequest, id: int, payload: ReasonIn) -> Wish:
    services.withdraw_wish(_get(request, Wish, id, *WISH_RELATED), by=request.user, reason=payload.reason)
    return _wish(request, id)


def _member_wish(request: HttpRequest, id: int, **lookup) -> Wish:
    wish = Wish.objects.filter(pk=id, **lookup).select_related(*WISH_RELATED).first()
    if wish is None:
        raise Http404
    return wish


@router.post("/wishes/{id:id}/claim", response=WishOut, url_name="vol_wish_claim")
def wish_claim(request: HttpRequest, id: int) -> Wish:
    """党员接单: the signed-in party member claims a published wish (one claimant wins)."""
    if not services.may_claim_wishes(request.user):
        raise PermissionDenied(
            gettext("Only a party member signed in with their own account can claim a wish."),
            rule="member_only",
        )
    wish = _member_wish(request, id, state__in=[WishState.PUBLISHED, WishState.CLAIMED])
    return _wish_out(services.claim_wish(wish, by=request.user), request.user)


def _claimed_by_caller(request: HttpRequest, id: int) -> Wish:
    person_id = getattr(request.user, "person_id", None)
    if not person_id:
        raise Http404
    return _member_wish(request, id, claimed_by_id=person_id)


@router.post("/wishes/{id:id}/release", response=WishOut, url_name="vol_wish_release")
def wish_release(request: HttpRequest, id: int) -> Wish:
    return _wish_out(services.release_wish(_claimed_by_caller(request, id), by=request.user), request.user)


@router.post("/wishes/{id:id}/fulfil", response=WishOut, url_name="vol_wish_fulfil")
def wish_fulfil(request: HttpRequest, id: int, payload: ProofIn) -> Wish:
    """The member who claimed the wish records how it was fulfilled."""
    wish = services.record_fulfilment(_claimed_by_caller(request, id), by=request.user, proof=payload.proof)
    return _wish_out(wish, request.user)
