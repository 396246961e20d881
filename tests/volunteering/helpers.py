"""Builders shared by the volunteering tests: volunteers and teams written directly (no service),
in 社区A (secretary_a's scope) and wholly inside 社区B outside the grid of the two-role persona
(so a 社区B record is out of scope for every persona of the permission table).
"""

from __future__ import annotations

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.members.models import PartyMember, Resident
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.choices import TeamKind, VolunteerState
from dangjian.volunteering.models import Skill, Team, Volunteer
from tests.factories import PersonFactory


def skill(name: str = "理发", category: str = "维修与生活") -> Skill:
    found, _created = Skill.objects.get_or_create(name=name, category=category)
    return found


def volunteer(
    area: Area,
    org: Organization,
    name: str = "张志愿",
    *,
    person=None,
    skills=(),
    teams=(),
    state: str = VolunteerState.ACTIVE,
    **fields,
) -> Volunteer:
    made = Volunteer.objects.create(
        person=person or PersonFactory(name=name),
        area=area,
        org=org,
        state=state,
        registered_on=fields.pop("registered_on", timezone.localdate()),
        **fields,
    )
    made.skills.set(skills)
    made.teams.set(teams)
    return made


def team(
    area: Area, org: Organization, name: str = "幸福社区志愿服务队", kind: str = TeamKind.SERVICE_TEAM
) -> Team:
    return Team.objects.create(area=area, org=org, name=name, kind=kind)


def volunteer_in_a(world) -> Volunteer:
    found = Volunteer.objects.filter(area=world.grid_a1).order_by("pk").first()
    return found or volunteer(world.grid_a1, world.org_a, "李志愿")


def volunteer_in_b(world) -> Volunteer:
    found = Volunteer.objects.filter(area=world.community_b).order_by("pk").first()
    return found or volunteer(world.community_b, world.org_b, "王社区乙")


def team_in_a(world) -> Team:
    return Team.objects.filter(area=world.grid_a1).first() or team(world.grid_a1, world.org_a)


def team_in_b(world) -> Team:
    return Team.objects.filter(area=world.community_b).first() or team(
        world.community_b, world.org_b, "光明社区志愿服务队"
    )


def make_secretary_a_a_resident(world) -> dict:
    """Give secretary_a (when logged in) a person who lives in 社区A and is a member there."""
    user = User.objects.filter(username="secretary_a").first()
    if user is not None and user.person_id is None:
        user.person = PersonFactory(name="李书记")
        user.save(update_fields=["person"])
        PartyMember.objects.create(person=user.person, org=world.branch_a1)
        Resident.objects.create(person=user.person, area=world.building_a1)
    return {}
