"""State changes of the volunteer ledger (志愿者台账): registering a volunteer (an existing person or
a new one), editing the entry, pausing, leaving and coming back, joining by oneself, the skill
taxonomy and teams (志愿服务队, 党群温馨小组) with their members.

Every function checks the permission over the row's place in the two trees, applies the rule
(``RuleViolation`` naming it, Chinese message), locks and version-checks what two people could
edit at once (``ConcurrentChange``), writes the change and its audit line in one transaction,
and re-checks after the change that the row is still within the caller's scope.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.scoping import check_perm, scope_of
from dangjian.dual_reporting.services import community_containing, community_org_of
from dangjian.members.ledger_services import check_id_number, check_mobile
from dangjian.members.models import PartyMember, Resident
from dangjian.members.person_matching import registered_elsewhere
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.choices import ALL_WEEK, TeamKind, VolunteerState
from dangjian.volunteering.models import Skill, Team, Volunteer

VIEW = "volunteering.view_volunteer"
ADD = "volunteering.add_volunteer"
CHANGE = "volunteering.change_volunteer"
VIEW_TEAM = "volunteering.view_team"
ADD_TEAM = "volunteering.add_team"
CHANGE_TEAM = "volunteering.change_team"
ADD_SKILL = "volunteering.add_skill"
CHANGE_SKILL = "volunteering.change_skill"

# A month has about 720 hours; more than this is a typing mistake, not generosity.
MAX_CAPACITY_HOURS = 200
ENTRY_FIELDS = ("skills_note", "interests", "capacity_hours", "availability")
AUDITED_FIELDS = ["person", "area", "org", "party_member", *ENTRY_FIELDS, "state", "registered_on"]


# --- where a person belongs -------------------------------------------------------------------


def home_area(person: Person) -> Area | None:
    """The person's current home (members.Resident), if recorded."""
    home = Resident.objects.filter(person=person, is_current=True).select_related("area").first()
    return home.area if home is not None else None


def recording_org(area: Area) -> Organization | None:
    """The party organization that records volunteers living in ``area``: its community's."""
    community = community_containing(area)
    return community_org_of(community) if community is not None else None


def membership_of(person: Person) -> PartyMember | None:
    return PartyMember.objects.filter(person=person, is_active=True).select_related("org").first()


# --- rules ------------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    return (value or "").strip()


def _check_capacity(hours: int) -> None:
    if hours is None or hours < 0 or hours > MAX_CAPACITY_HOURS:
        raise RuleViolation(
            gettext("The capacity must be between 0 and %(max)s hours a month; you entered %(hours)s.")
            % {"max": MAX_CAPACITY_HOURS, "hours": hours},
            rule="capacity_range",
            field="capacity_hours",
        )


def _check_availability(mask: int) -> None:
    if mask is None or mask < 0 or mask > ALL_WEEK:
        raise RuleViolation(
            gettext("The weekly availability is not a valid set of time slots."),
            rule="availability_mask",
            field="availability",
        )


def _check_skills(skills: Iterable[Skill]) -> list[Skill]:
    skills = list(skills)
    inactive = [skill.name for skill in skills if not skill.is_active]
    if inactive:
        raise RuleViolation(
            gettext("The skill “%(name)s” is no longer in use; choose another one.") % {"name": inactive[0]},
            rule="skill_inactive",
            field="skills",
        )
    return skills


def _check_teams(by, teams: Iterable[Team]) -> list[Team]:
    teams = list(teams)
    for team in teams:
        if not team.is_active:
            raise RuleViolation(
                gettext("The team “%(name)s” has been dissolved; choose another one.") % {"name": team.name},
                rule="team_inactive",
                field="teams",
            )
        check_perm(by, VIEW_TEAM, team)
    return teams


def _require_org(org: Organization | None) -> Organization:
    if org is None:
        raise RuleViolation(
            gettext(
                "No party organization is found for this area (its community has none recorded); "
                "choose the recording organization."
            ),
            rule="org_required",
            field="org",
        )
    return org


def _stale(kind: str, expected: int, current: int) -> ConcurrentChange:
    return ConcurrentChange(
        gettext(
            "Someone else changed this %(kind)s after you opened it (version %(yours)s, now %(current)s). "
            "Your changes were not saved: reload the page and make them again."
        )
        % {"kind": kind, "yours": expected, "current": current},
        rule="stale_version",
    )


def entry_snapshot(volunteer: Volunteer) -> dict[str, Any]:
    values = audit.snapshot(volunteer, AUDITED_FIELDS)
    values["skills"] = sorted(volunteer.skills.values_list("name", flat=True))
    values["teams"] = sorted(volunteer.teams.values_list("name", flat=True))
    return values


def already_volunteer_message() -> str:
    return gettext(
        "Rule “one entry per person”: this person is already in the volunteer ledger "
        "(perhaps of another community); ask the community that recorded them."
    )


# --- people -----------------------------------------------------------------------------------


def register_person(
    *, by, name: str, id_number: str, mobile: str = "", gender: str = ""
) -> tuple[Person, bool]:
    """The person holding ``id_number``: the registered one when in the caller's scope, else a new
    person (the neutral refusal of ``person_matching`` when someone outside the scope holds it).
    Returns ``(person, created)``."""
    from dangjian.core.validators import id_number_birth_date, id_number_gender

    name = _text(name)
    if not name:
        raise RuleViolation(gettext("Enter the volunteer's name."), rule="name_required", field="name")
    id_number = check_id_number(id_number)
    mobile = check_mobile(mobile)
    registered = Person.objects.with_id_number(id_number).select_for_update().first()
    if registered is not None:
        # Someone the caller may register (scoping by action: a role held elsewhere for another
        # purpose does not count) is linked; anyone else gets the neutral answer naming nobody.
        if not Person.objects.visible_to(by, ADD).filter(pk=registered.pk).exists():
            raise registered_elsewhere()
        return registered, False
    person = Person(
        name=name, gender=gender or id_number_gender(id_number), birth_date=id_number_birth_date(id_number)
    )
    person.id_number = id_number
    if mobile:
        person.mobile = mobile
    person.save()
    return person, True


# --- volunteers -------------------------------------------------------------------------------


@transaction.atomic
def create_volunteer(
    person: Person,
    *,
    by,
    area: Area | None = None,
    org: Organization | None = None,
    skills: Iterable[Skill] = (),
    skills_note: str = "",
    interests: str = "",
    capacity_hours: int = 4,
    availability: int = 0,
    teams: Iterable[Team] = (),
    registered_on: datetime.date | None = None,
    note: str = "",
    self_service: bool = False,
) -> Volunteer:
    """Put ``person`` in the ledger: home area (their current home by default), the recording
    organization (the community's by default), skills, capacity, availability and teams.

    A party member is linked to their membership; one entry per person.
    """
    area = area or home_area(person)
    if area is None:
        raise RuleViolation(
            gettext("Choose the volunteer's home area (no current home is recorded for this person)."),
            rule="area_required",
            field="area",
        )
    org = _require_org(org or recording_org(area))
    _check_capacity(capacity_hours)
    _check_availability(availability)
    volunteer = Volunteer(
        person=person,
        area=area,
        org=org,
        party_member=membership_of(person),
        skills_note=_text(skills_note),
        interests=_text(interests),
        capacity_hours=capacity_hours,
        availability=availability,
        registered_on=registered_on or timezone.localdate(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if not self_service:
        check_perm(by, ADD, volunteer)
    skills = _check_skills(skills)
    teams = [] if self_service else _check_teams(by, teams)
    if Volunteer.objects.filter(person=person).exists():
        raise RuleViolation(already_volunteer_message(), rule="one_entry", field="person")
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:  # registered by someone else a moment ago
        raise RuleViolation(already_volunteer_message(), rule="one_entry", field="person") from None
    volunteer.skills.set(skills)
    volunteer.teams.set(teams)
    audit.record(AuditAction.CREATE, volunteer, by=by, changes=entry_snapshot(volunteer), note=note)
    return volunteer


def _locked(volunteer: Volunteer, expected_version: int | None) -> Volunteer:
    current = (
        Volunteer.objects.select_for_update(of=("self",))
        .select_related("person", "area", "org")
        .get(pk=volunteer.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise _stale(gettext("volunteer's entry"), expected_version, current.version)
    return current


def _bump(volunteer: Volunteer, fields: list[str]) -> Volunteer:
    volunteer.version = F("version") + 1
    volunteer.save(update_fields=[*fields, "version"])
    volunteer.refresh_from_db(fields=["version"])
    return volunteer


@transaction.atomic
def update_volunteer(
    volunteer: Volunteer, *, by, expected_version: int | None, self_service: bool = False, **fields: Any
) -> Volunteer:
    """Edit the entry: home area, recording organization, skills, interests, capacity, availability
    and teams. A stale ``expected_version`` is refused; moving the entry out of the caller's scope
    is refused and rolled back."""
    unknown = set(fields) - {*ENTRY_FIELDS, "area", "org", "skills", "teams"}
    if unknown:
        raise TypeError(f"update_volunteer() got unexpected fields: {', '.join(sorted(unknown))}")
    if not self_service:
        check_perm(by, CHANGE, volunteer)
    volunteer = _locked(volunteer, expected_version)
    before = entry_snapshot(volunteer)
    if "area" in fields and fields["area"] is not None:
        volunteer.area = fields["area"]
        if fields.get("org") is None:
            fields["org"] = recording_org(volunteer.area) or volunteer.org
    if fields.get("org") is not None:
        volunteer.org = fields["org"]
    for name in ENTRY_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(volunteer, name, _text(value) if isinstance(value, str) else value)
    _check_capacity(volunteer.capacity_hours)
    _check_availability(volunteer.availability)
    if not self_service:
        # NetBox's ObjectEditView.post: the row must still be within the caller's scope.
        check_perm(by, CHANGE, volunteer)
    if "skills" in fields:
        volunteer.skills.set(_check_skills(fields["skills"]))
    if "teams" in fields and not self_service:
        volunteer.teams.set(_check_teams(by, fields["teams"]))
    volunteer.party_member = membership_of(volunteer.person)
    volunteer = _bump(volunteer, ["area", "org", "party_member", *ENTRY_FIELDS])
    changes = audit.diff(before, entry_snapshot(volunteer))
    if changes:
        audit.record(AuditAction.UPDATE, volunteer, by=by, changes=changes)
    return volunteer


STATE_CHANGES = {
    # new state: the states it may come from
    VolunteerState.PAUSED: {VolunteerState.ACTIVE},
    VolunteerState.LEFT: {VolunteerState.ACTIVE, VolunteerState.PAUSED},
    VolunteerState.ACTIVE: {VolunteerState.PAUSED, VolunteerState.LEFT},
}


@transaction.atomic
def change_state(
    volunteer: Volunteer,
    state: str,
    *,
    by,
    expected_version: int | None,
    note: str = "",
    self_service: bool = False,
) -> Volunteer:
    """Pause (暂停), leave (退出) or come back (恢复); the history stays in the audit log."""
    if state not in STATE_CHANGES:
        raise RuleViolation(gettext("Unknown state."), rule="state_unknown", field="state")
    if not self_service:
        check_perm(by, CHANGE, volunteer)
    volunteer = _locked(volunteer, expected_version)
    if volunteer.state not in STATE_CHANGES[state]:
        raise RuleViolation(
            gettext("A volunteer who is “%(current)s” cannot become “%(new)s”.")
            % {
                "current": VolunteerState(volunteer.state).label,
                "new": VolunteerState(state).label,
            },
            rule="state_transition",
            field="state",
        )
    old = volunteer.state
    volunteer.state = state
    volunteer = _bump(volunteer, ["state"])
    audit.record(AuditAction.UPDATE, volunteer, by=by, changes={"state": [old, state]}, note=_text(note))
    return volunteer


# --- joining by oneself -----------------------------------------------------------------------


def own_volunteer(user) -> Volunteer | None:
    if user is None or not getattr(user, "person_id", None):
        return None
    return Volunteer.objects.filter(person_id=user.person_id).select_related("area", "org").first()


def may_join_self(user) -> bool:
    """Whether 加入志愿者台账 opens for ``user``: a signed-in person with a recorded home or an
    active party membership (which place them in the trees)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "person_id", None):
        return False
    placed = Q(residences__is_current=True) | Q(membership__is_active=True)
    return Person.objects.filter(placed, pk=user.person_id).exists()


def _self_place(person: Person) -> tuple[Area, Organization]:
    area = home_area(person)
    member = membership_of(person)
    if area is None and member is not None:
        area = member.org.jurisdiction
    org = (recording_org(area) if area is not None else None) or (member.org if member else None)
    if area is None or org is None:
        raise RuleViolation(
            gettext(
                "Your home is not recorded, so the ledger cannot tell which community you serve; "
                "ask your community to record your home or to register you."
            ),
            rule="home_required",
        )
    return area, org


@transaction.atomic
def join_self(
    user,
    *,
    skills: Iterable[Skill] = (),
    skills_note: str = "",
    interests: str = "",
    capacity_hours: int = 4,
    availability: int = 0,
) -> Volunteer:
    """A signed-in person joins the ledger of their home community by themself (from 我的)."""
    if not may_join_self(user):
        raise PermissionDenied(
            gettext("Only a person whose home or party membership is recorded can join by themself."),
            rule="join_self",
        )
    person = Person.objects.select_for_update().get(pk=user.person_id)
    area, org = _self_place(person)
    return create_volunteer(
        person,
        by=user,
        area=area,
        org=org,
        skills=skills,
        skills_note=skills_note,
        interests=interests,
        capacity_hours=capacity_hours,
        availability=availability,
        note=gettext("Joined by themself."),
        self_service=True,
    )


# --- skills -----------------------------------------------------------------------------------


def _require_anywhere(by, permission: str) -> None:
    if not scope_of(by).has_any(permission):
        raise PermissionDenied(gettext("You do not have permission to edit the skill list."), rule=permission)


def _unique_skill(category: str, name: str, exclude: int | None = None) -> None:
    others = Skill.objects.filter(category=category, name=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise RuleViolation(
            gettext("The skill “%(name)s” already exists in this category.") % {"name": name},
            rule="skill_unique",
            field="name",
        )


@transaction.atomic
def create_skill(*, by, name: str, category: str = "", order: int = 50) -> Skill:
    """Add a skill to the platform's taxonomy (特长)."""
    _require_anywhere(by, ADD_SKILL)
    name, category = _text(name), _text(category)
    if not name:
        raise RuleViolation(gettext("Enter the skill's name."), rule="name_required", field="name")
    _unique_skill(category, name)
    skill = Skill.objects.create(name=name, category=category, order=order)
    audit.record(AuditAction.CREATE, skill, by=by, changes=audit.snapshot(skill))
    return skill


@transaction.atomic
def update_skill(skill: Skill, *, by, name: str, category: str = "", order: int = 50) -> Skill:
    _require_anywhere(by, CHANGE_SKILL)
    skill = Skill.objects.select_for_update().get(pk=skill.pk)
    before = audit.snapshot(skill)
    skill.name, skill.category, skill.order = _text(name), _text(category), order
    if not skill.name:
        raise RuleViolation(gettext("Enter the skill's name."), rule="name_required", field="name")
    _unique_skill(skill.category, skill.name, exclude=skill.pk)
    skill.save(update_fields=["name", "category", "order"])
    changes = audit.diff(before, audit.snapshot(skill))
    if changes:
        audit.record(AuditAction.UPDATE, skill, by=by, changes=changes)
    return skill


@transaction.atomic
def set_skill_active(skill: Skill, *, by, active: bool) -> Skill:
    """Take a skill out of use (or back): volunteers keep it, new entries cannot choose it."""
    _require_anywhere(by, CHANGE_SKILL)
    skill = Skill.objects.select_for_update().get(pk=skill.pk)
    if skill.is_active != active:
        skill.is_active = active
        skill.save(update_fields=["is_active"])
        action = AuditAction.REACTIVATE if active else AuditAction.DEACTIVATE
        audit.record(action, skill, by=by, changes={"is_active": [not active, active]})
    return skill


# --- teams ------------------------------------------------------------------------------------

TEAM_FIELDS = ("name", "kind", "leader", "description", "is_active")


@transaction.atomic
def create_team(
    *,
    by,
    name: str,
    area: Area,
    kind: str = TeamKind.SERVICE_TEAM,
    org: Organization | None = None,
    leader: Person | None = None,
    description: str = "",
) -> Team:
    """A 志愿服务队 or a 党群温馨小组 of an area, recorded by the area's community organization."""
    name = _text(name)
    if not name:
        raise RuleViolation(gettext("Enter the team's name."), rule="name_required", field="name")
    org = _require_org(org or recording_org(area))
    team = Team(
        name=name,
        kind=kind,
        area=area,
        org=org,
        leader=leader,
        description=_text(description),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    check_perm(by, ADD_TEAM, team)
    team.save()
    audit.record(AuditAction.CREATE, team, by=by, changes=audit.snapshot(team))
    return team


@transaction.atomic
def update_team(team: Team, *, by, expected_version: int | None, **fields: Any) -> Team:
    unknown = set(fields) - {*TEAM_FIELDS, "area"}
    if unknown:
        raise TypeError(f"update_team() got unexpected fields: {', '.join(sorted(unknown))}")
    check_perm(by, CHANGE_TEAM, team)
    team = Team.objects.select_for_update(of=("self",)).select_related("area", "org").get(pk=team.pk)
    if expected_version is not None and team.version != expected_version:
        raise _stale(gettext("team"), expected_version, team.version)
    before = audit.snapshot(team)
    for name, value in fields.items():
        setattr(team, name, _text(value) if isinstance(value, str) else value)
    if not team.name:
        raise RuleViolation(gettext("Enter the team's name."), rule="name_required", field="name")
    check_perm(by, CHANGE_TEAM, team)
    team.version = F("version") + 1
    team.save()
    team.refresh_from_db(fields=["version"])
    changes = audit.diff(before, audit.snapshot(team))
    if changes:
        audit.record(AuditAction.UPDATE, team, by=by, changes=changes)
    return team


@transaction.atomic
def add_team_member(team: Team, volunteer: Volunteer, *, by) -> None:
    """Put a volunteer the caller may see in a team the caller may change."""
    check_perm(by, CHANGE_TEAM, team)
    check_perm(by, VIEW, volunteer)
    if not team.is_active:
        raise RuleViolation(
            gettext("The team “%(name)s” has been dissolved; choose another one.") % {"name": team.name},
            rule="team_inactive",
        )
    if volunteer.state == VolunteerState.LEFT:
        raise RuleViolation(
            gettext("%(name)s has left the ledger; bring them back before adding them to a team.")
            % {"name": volunteer.person.name},
            rule="volunteer_left",
        )
    if team.volunteers.filter(pk=volunteer.pk).exists():
        return
    team.volunteers.add(volunteer)
    audit.record(
        AuditAction.UPDATE, team, by=by, changes={"members": [None, str(volunteer)]}, note=str(volunteer)
    )


@transaction.atomic
def remove_team_member(team: Team, volunteer: Volunteer, *, by) -> None:
    check_perm(by, CHANGE_TEAM, team)
    if not team.volunteers.filter(pk=volunteer.pk).exists():
        return
    team.volunteers.remove(volunteer)
    audit.record(
        AuditAction.UPDATE, team, by=by, changes={"members": [str(volunteer), None]}, note=str(volunteer)
    )
