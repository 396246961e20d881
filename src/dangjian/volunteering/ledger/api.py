"""API of the volunteer ledger at /api/v1/volunteering: volunteers (list with the page's filters and
name search, one entry, register, edit with the version) and the skill taxonomy.

The same filterset and services as the pages do the work, so scope, rules and audit lines are
shared; a volunteer outside the caller's scope answers 404. Personal data is masked, always.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.pagination import MAX_OFFSET
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.orgs.models import Area
from dangjian.volunteering.choices import ALL_WEEK, VolunteerState
from dangjian.volunteering.ledger import services
from dangjian.volunteering.ledger.filters import filtered, volunteer_rows
from dangjian.volunteering.models import Skill, Team, Volunteer

router = Router(tags=["volunteering"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class SkillOut(Schema):
    id: int
    name: str
    category: str
    is_active: bool


class VolunteerOut(Schema):
    id: int
    person_id: int
    name: str
    mobile_masked: str
    area_id: int
    area_name: str
    org_id: int
    org_name: str
    party_member_id: int | None
    skills: list[SkillOut]
    skills_note: str
    interests: str
    capacity_hours: int
    availability: int = Field(description="21 bits: day × 3 + slot (0 Monday morning … 20 Sunday evening).")
    team_ids: list[int]
    state: str
    registered_on: datetime.date
    version: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_mobile_masked(obj) -> str:
        return obj.person.mobile_masked

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_skills(obj) -> list:
        return list(obj.skills.all())

    @staticmethod
    def resolve_team_ids(obj) -> list[int]:
        return [team.pk for team in obj.teams.all()]


class VolunteerPage(Schema):
    items: list[VolunteerOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class VolunteerListParams(Schema):
    q: str | None = Field(
        None, max_length=100, description="Name (简/繁/pinyin/initials) or a whole ID number."
    )
    skill: int | None = None
    area: int | None = Field(None, description="An area: volunteers living in it and below.")
    org: int | None = Field(None, description="An organization: volunteers it and those below recorded.")
    team: int | None = None
    state: str | None = Field(
        None, pattern="^(active|paused|left|all)$", description="Default: active or paused."
    )
    party: str | None = Field(None, pattern="^(yes|no)$")
    slot: int | None = Field(None, ge=0, le=20, description="Free in this slot (day × 3 + slot).")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class VolunteerCreate(InputSchema):
    person_id: int | None = Field(
        None, description="A registered person you may see; or give name and id_number."
    )
    name: str = Field("", max_length=64)
    id_number: str = Field("", max_length=18)
    mobile: str = Field("", max_length=20)
    area_id: int | None = Field(None, description="Home area; default the person's recorded home.")
    skill_ids: list[int] = Field(default_factory=list, max_length=50)
    skills_note: str = Field("", max_length=200)
    interests: str = Field("", max_length=200)
    capacity_hours: int = Field(4, ge=0, le=services.MAX_CAPACITY_HOURS)
    availability: int = Field(0, ge=0, le=ALL_WEEK)
    team_ids: list[int] = Field(default_factory=list, max_length=50)


class VolunteerUpdate(InputSchema):
    version: int = Field(description="The version read with the entry; a stale one answers 409.")
    area_id: int | None = None
    skill_ids: list[int] | None = Field(None, max_length=50)
    skills_note: str | None = Field(None, max_length=200)
    interests: str | None = Field(None, max_length=200)
    capacity_hours: int | None = Field(None, ge=0, le=services.MAX_CAPACITY_HOURS)
    availability: int | None = Field(None, ge=0, le=ALL_WEEK)
    team_ids: list[int] | None = Field(None, max_length=50)
    state: VolunteerState | None = Field(None, description="active, paused or left.")


def _volunteers(request: HttpRequest):
    return (
        Volunteer.objects.visible_to(request.user)
        .select_related("person", "area", "org")
        .prefetch_related("skills", "teams")
    )


def _visible(request: HttpRequest, id: int) -> Volunteer:
    return get_object_or_404(_volunteers(request), pk=id)


def _skills(ids: list[int]) -> list[Skill]:
    skills = list(Skill.objects.filter(pk__in=ids))
    if len(skills) != len(set(ids)):
        raise RuleViolation(gettext("A skill id does not exist."), rule="skill_unknown", field="skill_ids")
    return skills


def _teams(request: HttpRequest, ids: list[int]) -> list[Team]:
    teams = list(Team.objects.visible_to(request.user).filter(pk__in=ids))
    if len(teams) != len(set(ids)):
        raise RuleViolation(
            gettext("A team id is not one of your teams."), rule="team_unknown", field="team_ids"
        )
    return teams


def _area(request: HttpRequest, id: int | None, permission: str) -> Area | None:
    if id is None:
        return None
    return get_object_or_404(Area.objects.visible_to(request.user, permission), pk=id)


@router.get("/volunteers", response=VolunteerPage, url_name="volunteering_volunteer_list")
def volunteer_list(request: HttpRequest, params: Query[VolunteerListParams]) -> dict:
    """Volunteers in the caller's scope, in pinyin order (or found by name), one page at a time."""
    if not scope_of(request.user).has_any(services.VIEW):
        raise PermissionDenied(gettext("You do not have permission to view volunteers."), rule="scope")
    data = {
        name: str(value)
        for name, value in params.model_dump(exclude={"limit", "offset"}).items()
        if value is not None
    }
    filterset = filtered(data, _volunteers(request), request)
    if not filterset.is_valid():
        raise ValidationError(
            [
                {"loc": ["query", name], "msg": " ".join(str(message) for message in messages)}
                for name, messages in filterset.errors.items()
            ]
        )
    rows = list(volunteer_rows(filterset)[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit and params.offset + params.limit < MAX_OFFSET
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


@router.get("/volunteers/{id:id}", response=VolunteerOut, url_name="volunteering_volunteer_detail")
def volunteer_detail(request: HttpRequest, id: int) -> Volunteer:
    return _visible(request, id)


@router.post("/volunteers", response={201: VolunteerOut}, url_name="volunteering_volunteer_create")
def volunteer_create(request: HttpRequest, payload: VolunteerCreate) -> Status:
    """Register a volunteer: a registered person (``person_id``) or a new one (name, ID number)."""
    user = request.user
    if not scope_of(user).has_any(services.ADD):
        raise PermissionDenied(gettext("You do not have permission to register volunteers."), rule="scope")
    if payload.person_id is not None:
        person = get_object_or_404(Person.objects.visible_to(user, services.ADD), pk=payload.person_id)
    else:
        person, _created = services.register_person(
            by=user, name=payload.name, id_number=payload.id_number, mobile=payload.mobile
        )
    volunteer = services.create_volunteer(
        person,
        by=user,
        area=_area(request, payload.area_id, services.ADD),
        skills=_skills(payload.skill_ids),
        skills_note=payload.skills_note,
        interests=payload.interests,
        capacity_hours=payload.capacity_hours,
        availability=payload.availability,
        teams=_teams(request, payload.team_ids),
    )
    return Status(201, _visible(request, volunteer.pk))


@router.patch("/volunteers/{id:id}", response=VolunteerOut, url_name="volunteering_volunteer_update")
def volunteer_update(request: HttpRequest, id: int, payload: VolunteerUpdate) -> Volunteer:
    """Edit the entry; fields left out stay as they are. 409 when ``version`` is stale."""
    volunteer = _visible(request, id)
    if not has_perm_over(request.user, services.CHANGE, volunteer):
        raise PermissionDenied(gettext("You do not have permission to change this volunteer."), rule="scope")
    body = payload.model_dump(exclude_unset=True)
    version = body.pop("version")
    state = body.pop("state", None)
    fields: dict = {}
    if body.get("area_id") is not None:
        fields["area"] = _area(request, body.pop("area_id"), services.CHANGE)
    if body.get("skill_ids") is not None:
        fields["skills"] = _skills(body.pop("skill_ids"))
    if body.get("team_ids") is not None:
        fields["teams"] = _teams(request, body.pop("team_ids"))
    fields.update(
        {name: value for name, value in body.items() if name in services.ENTRY_FIELDS and value is not None}
    )
    volunteer = services.update_volunteer(volunteer, by=request.user, expected_version=version, **fields)
    if state is not None and state != volunteer.state:
        services.change_state(volunteer, state, by=request.user, expected_version=volunteer.version)
    return _visible(request, volunteer.pk)


@router.get("/skills", response=list[SkillOut], url_name="volunteering_skill_list")
def skill_list(request: HttpRequest) -> list[Skill]:
    """The skill taxonomy (every skill, those out of use flagged)."""
    if not scope_of(request.user).has_any("volunteering.view_skill"):
        raise PermissionDenied(gettext("You do not have permission to view the skill list."), rule="scope")
    return list(Skill.objects.order_by("category", "order", "name"))
