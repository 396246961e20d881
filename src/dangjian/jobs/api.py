"""API of 就业 at /api/v1/jobs: postings, job seekers (with matches and placement), placements and
training sessions with their roll, through the same service functions as the pages. Rows outside
the caller's scope answer 404; mobiles are never part of an answer (the register shows them masked
on the pages, and a clear one only in an audited export).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.models import Person
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDate, EventDateTime
from dangjian.jobs import matching, services
from dangjian.jobs.choices import PostingState, SeekerState
from dangjian.jobs.models import JobPosting, JobSeeker, Placement, TrainingAttendance, TrainingSession
from dangjian.orgs.models import Area, Organization, unit_organizations
from dangjian.volunteering.models import Skill

router = Router(tags=["jobs"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class SkillOut(Schema):
    id: int
    name: str


class PostingOut(Schema):
    id: int
    enterprise_name: str
    unit_org_id: int | None
    title: str
    description: str
    skills: list[SkillOut]
    skills_note: str
    positions: int
    salary_min: Decimal | None
    salary_max: Decimal | None
    opens_on: datetime.date
    closes_on: datetime.date | None
    state: str
    area_id: int
    org_id: int
    version: int

    @staticmethod
    def resolve_skills(obj) -> list:
        return list(obj.skills.all())


class SeekerOut(Schema):
    id: int
    person_id: int
    name: str
    area_id: int
    org_id: int
    skills: list[SkillOut]
    skills_note: str
    wanted_job: str
    registered_on: datetime.date
    state: str
    note: str
    version: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_skills(obj) -> list:
        return list(obj.skills.all())


class PlacementOut(Schema):
    id: int
    seeker_id: int
    posting_id: int
    placed_on: datetime.date
    note: str


class MatchOut(Schema):
    id: int
    label: str
    score: int
    shared_skills: list[str]
    place: str
    reasons: list[str]


class TrainingOut(Schema):
    id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place: str
    capacity: int
    description: str
    area_id: int
    org_id: int
    version: int


class AttendanceOut(Schema):
    id: int
    session_id: int
    person_id: int
    name: str
    attended: bool | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name


class Paged(Schema):
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class PostingPage(Paged):
    items: list[PostingOut]


class SeekerPage(Paged):
    items: list[SeekerOut]


class PlacementPage(Paged):
    items: list[PlacementOut]


class TrainingPage(Paged):
    items: list[TrainingOut]


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)
    org_id: int | None = Field(None, description="Rows recorded by this organization's subtree.")
    q: str = Field("", max_length=50)


class PostingParams(PageParams):
    state: PostingState | None = None


class SeekerParams(PageParams):
    state: SeekerState | None = None


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class PostingIn(InputSchema):
    enterprise_name: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=200)
    area_id: int
    org_id: int
    unit_org_id: int | None = None
    description: str = Field("", max_length=4000)
    skill_ids: list[int] = Field(default_factory=list, max_length=50)
    skills_note: str = Field("", max_length=200)
    positions: int = Field(1, ge=1, le=10000)
    salary_min: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    salary_max: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    opens_on: EventDate | None = None
    closes_on: EventDate | None = None


class PostingPatch(InputSchema):
    version: int
    enterprise_name: str | None = Field(None, min_length=1, max_length=200)
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    skill_ids: list[int] | None = Field(None, max_length=50)
    skills_note: str | None = Field(None, max_length=200)
    positions: int | None = Field(None, ge=1, le=10000)
    salary_min: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    salary_max: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    closes_on: EventDate | None = None


class VersionIn(InputSchema):
    version: int | None = None


class SeekerIn(InputSchema):
    person_id: int
    area_id: int
    org_id: int
    skill_ids: list[int] = Field(default_factory=list, max_length=50)
    skills_note: str = Field("", max_length=200)
    wanted_job: str = Field("", max_length=200)
    registered_on: EventDate | None = None
    note: str = Field("", max_length=2000)


class SeekerPatch(InputSchema):
    version: int
    skill_ids: list[int] | None = Field(None, max_length=50)
    skills_note: str | None = Field(None, max_length=200)
    wanted_job: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=2000)


class PlaceIn(InputSchema):
    posting_id: int
    placed_on: EventDate | None = None
    note: str = Field("", max_length=200)


class TrainingIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    area_id: int
    org_id: int
    starts_at: EventDateTime
    ends_at: EventDateTime | None = None
    place: str = Field("", max_length=200)
    capacity: int = Field(30, ge=1, le=1000)
    description: str = Field("", max_length=4000)


class EnrolIn(InputSchema):
    person_id: int


class RollIn(InputSchema):
    attended: dict[int, bool] = Field(description="Attendance id → attended.")


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _require_any(request: HttpRequest, permission: str) -> None:
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied(gettext("You do not have permission to view these records."), rule="scope")


def _visible(model, request: HttpRequest, id: int, *related: str):
    return get_object_or_404(model.objects.visible_to(request.user).select_related(*related), pk=id)


def _in_org(queryset, request: HttpRequest, params: PageParams, permission: str):
    if params.org_id is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user, permission), pk=params.org_id)
        queryset = queryset.filter(org__path__startswith=org.path)
    return queryset


def _skills(ids: list[int] | None):
    return None if ids is None else list(Skill.objects.filter(pk__in=ids))


def _places(request: HttpRequest, area_id: int, org_id: int) -> dict:
    return {
        "area": get_object_or_404(Area.objects.visible_to(request.user), pk=area_id),
        "org": get_object_or_404(Organization.objects.visible_to(request.user), pk=org_id),
    }


def _matches(found: list[matching.Match], label) -> list[dict]:
    return [
        {
            "id": match.candidate.pk,
            "label": label(match.candidate),
            "score": match.score,
            "shared_skills": match.shared_skills,
            "place": match.place,
            "reasons": match.reasons,
        }
        for match in found
    ]


# --- postings ---------------------------------------------------------------------------------


@router.get("/postings", response=PostingPage, url_name="jobs_posting_list")
def posting_list(request: HttpRequest, params: Query[PostingParams]) -> dict:
    _require_any(request, "jobs.view_jobposting")
    postings = JobPosting.objects.visible_to(request.user).prefetch_related("skills")
    postings = _in_org(postings, request, params, "jobs.view_jobposting")
    if params.state:
        postings = postings.filter(state=params.state.value)
    if params.q:
        postings = postings.filter(title__icontains=params.q)
    return _page(postings.order_by("-opens_on", "-id"), params)


@router.post("/postings", response={201: PostingOut}, url_name="jobs_posting_create")
def posting_create(request: HttpRequest, payload: PostingIn) -> Status:
    data = payload.dict(exclude={"area_id", "org_id", "unit_org_id", "skill_ids"})
    unit_org = (
        get_object_or_404(unit_organizations(), pk=payload.unit_org_id) if payload.unit_org_id else None
    )
    posting = services.create_posting(
        by=request.user,
        unit_org=unit_org,
        skills=_skills(payload.skill_ids),
        **_places(request, payload.area_id, payload.org_id),
        **data,
    )
    return Status(201, posting)


@router.get("/postings/{id:id}", response=PostingOut, url_name="jobs_posting_detail")
def posting_detail(request: HttpRequest, id: int) -> JobPosting:
    return _visible(JobPosting, request, id)


@router.patch("/postings/{id:id}", response=PostingOut, url_name="jobs_posting_update")
def posting_update(request: HttpRequest, id: int, payload: PostingPatch) -> JobPosting:
    posting = _visible(JobPosting, request, id, "area", "org")
    data = payload.dict(exclude_unset=True, exclude={"version", "skill_ids"})
    data = {
        name: value
        for name, value in data.items()
        if value is not None or name in {"closes_on", "salary_min", "salary_max"}
    }
    skills = _skills(payload.skill_ids) if "skill_ids" in payload.model_fields_set else None
    return services.update_posting(posting, by=request.user, version=payload.version, skills=skills, **data)


@router.post("/postings/{id:id}/close", response=PostingOut, url_name="jobs_posting_close")
def posting_close(request: HttpRequest, id: int, payload: VersionIn | None = None) -> JobPosting:
    posting = _visible(JobPosting, request, id, "area", "org")
    return services.close_posting(posting, by=request.user, version=(payload or VersionIn()).version)


@router.get("/postings/{id:id}/matches", response=list[MatchOut], url_name="jobs_posting_matches")
def posting_matches(request: HttpRequest, id: int) -> list[dict]:
    """People still seeking work in the caller's scope, ranked for this posting, with the reasons."""
    posting = _visible(JobPosting, request, id, "area")
    _require_any(request, "jobs.view_jobseeker")
    found = matching.seekers_for(posting, JobSeeker.objects.visible_to(request.user))
    return _matches(found, lambda seeker: seeker.person.name)


# --- seekers ----------------------------------------------------------------------------------


@router.get("/seekers", response=SeekerPage, url_name="jobs_seeker_list")
def seeker_list(request: HttpRequest, params: Query[SeekerParams]) -> dict:
    _require_any(request, "jobs.view_jobseeker")
    seekers = JobSeeker.objects.visible_to(request.user).select_related("person").prefetch_related("skills")
    seekers = _in_org(seekers, request, params, "jobs.view_jobseeker")
    if params.state:
        seekers = seekers.filter(state=params.state.value)
    if params.q:
        seekers = seekers.filter(person__name__icontains=params.q)
    return _page(seekers.order_by("-registered_on", "-id"), params)


@router.post("/seekers", response={201: SeekerOut}, url_name="jobs_seeker_create")
def seeker_create(request: HttpRequest, payload: SeekerIn) -> Status:
    data = payload.dict(exclude={"person_id", "area_id", "org_id", "skill_ids"}, exclude_none=True)
    seeker = services.register_seeker(
        by=request.user,
        person=get_object_or_404(Person.objects.visible_to(request.user), pk=payload.person_id),
        skills=_skills(payload.skill_ids),
        **_places(request, payload.area_id, payload.org_id),
        **data,
    )
    return Status(201, seeker)


@router.get("/seekers/{id:id}", response=SeekerOut, url_name="jobs_seeker_detail")
def seeker_detail(request: HttpRequest, id: int) -> JobSeeker:
    return _visible(JobSeeker, request, id, "person")


@router.patch("/seekers/{id:id}", response=SeekerOut, url_name="jobs_seeker_update")
def seeker_update(request: HttpRequest, id: int, payload: SeekerPatch) -> JobSeeker:
    seeker = _visible(JobSeeker, request, id, "area", "org")
    data = payload.dict(exclude_unset=True, exclude_none=True, exclude={"version", "skill_ids"})
    skills = _skills(payload.skill_ids) if "skill_ids" in payload.model_fields_set else None
    services.update_seeker(seeker, by=request.user, version=payload.version, skills=skills, **data)
    return _visible(JobSeeker, request, id, "person")


@router.post("/seekers/{id:id}/withdraw", response=SeekerOut, url_name="jobs_seeker_withdraw")
def seeker_withdraw(request: HttpRequest, id: int, payload: VersionIn | None = None) -> JobSeeker:
    seeker = _visible(JobSeeker, request, id, "area", "org")
    services.withdraw_seeker(seeker, by=request.user, version=(payload or VersionIn()).version)
    return _visible(JobSeeker, request, id, "person")


@router.get("/seekers/{id:id}/matches", response=list[MatchOut], url_name="jobs_seeker_matches")
def seeker_matches(request: HttpRequest, id: int) -> list[dict]:
    """Open postings in the caller's scope ranked for this seeker, with the reasons."""
    seeker = _visible(JobSeeker, request, id, "area")
    _require_any(request, "jobs.view_jobposting")
    found = matching.postings_for(seeker, JobPosting.objects.visible_to(request.user))
    return _matches(found, lambda posting: str(posting))


@router.post("/seekers/{id:id}/place", response={201: PlacementOut}, url_name="jobs_seeker_place")
def seeker_place(request: HttpRequest, id: int, payload: PlaceIn) -> Status:
    seeker = _visible(JobSeeker, request, id, "area", "org")
    posting = _visible(JobPosting, request, payload.posting_id)
    placement = services.place_seeker(
        seeker, posting, by=request.user, placed_on=payload.placed_on, note=payload.note
    )
    return Status(201, placement)


@router.get("/placements", response=PlacementPage, url_name="jobs_placement_list")
def placement_list(request: HttpRequest, params: Query[PageParams]) -> dict:
    _require_any(request, "jobs.view_placement")
    placements = Placement.objects.visible_to(request.user)
    if params.org_id is not None:
        org = get_object_or_404(
            Organization.objects.visible_to(request.user, "jobs.view_placement"), pk=params.org_id
        )
        placements = placements.filter(seeker__org__path__startswith=org.path)
    return _page(placements.order_by("-placed_on", "-id"), params)


# --- training ---------------------------------------------------------------------------------


@router.get("/training", response=TrainingPage, url_name="jobs_training_list")
def training_list(request: HttpRequest, params: Query[PageParams]) -> dict:
    _require_any(request, "jobs.view_trainingsession")
    sessions = _in_org(
        TrainingSession.objects.visible_to(request.user), request, params, "jobs.view_trainingsession"
    )
    if params.q:
        sessions = sessions.filter(title__icontains=params.q)
    return _page(sessions.order_by("-starts_at", "-id"), params)


@router.post("/training", response={201: TrainingOut}, url_name="jobs_training_create")
def training_create(request: HttpRequest, payload: TrainingIn) -> Status:
    data = payload.dict(exclude={"area_id", "org_id"})
    session = services.create_training(
        by=request.user, **_places(request, payload.area_id, payload.org_id), **data
    )
    return Status(201, session)


@router.get("/training/{id:id}", response=TrainingOut, url_name="jobs_training_detail")
def training_detail(request: HttpRequest, id: int) -> TrainingSession:
    return _visible(TrainingSession, request, id)


@router.get("/training/{id:id}/attendance", response=list[AttendanceOut], url_name="jobs_training_attendance")
def training_attendance(request: HttpRequest, id: int) -> list:
    session = _visible(TrainingSession, request, id)
    return list(
        TrainingAttendance.objects.filter(session=session)
        .select_related("person")
        .order_by("person__name_pinyin", "id")[:1000]
    )


@router.post("/training/{id:id}/attendance", response={201: AttendanceOut}, url_name="jobs_training_enrol")
def training_enrol(request: HttpRequest, id: int, payload: EnrolIn) -> Status:
    session = _visible(TrainingSession, request, id, "area", "org")
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=payload.person_id)
    return Status(201, services.enrol(session, person, by=request.user))


@router.post("/training/{id:id}/roll", response=list[AttendanceOut], url_name="jobs_training_roll")
def training_roll(request: HttpRequest, id: int, payload: RollIn) -> list:
    session = _visible(TrainingSession, request, id, "area", "org")
    services.take_roll(session, payload.attended, by=request.user)
    return list(
        TrainingAttendance.objects.filter(session=session)
        .select_related("person")
        .order_by("person__name_pinyin", "id")[:1000]
    )
