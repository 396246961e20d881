"""Builders for the matching tests: skills, volunteers and needs written directly, and the
volunteering permissions of the built-in roles.

The ledger part grants the built-in roles their volunteering permissions (volunteering/roles.py
and its data migration); until it is merged, ``grant_volunteering_permissions`` gives the staff
roles view/add/change on needs and volunteers, as that part will (idempotent either way).
"""

from __future__ import annotations

import itertools

from django.contrib.auth.models import Permission
from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import Role
from dangjian.orgs.models import Area, Organization
from dangjian.volunteering.choices import NeedCategory, NeedState
from dangjian.volunteering.matchmaking.choices import ProposalState
from dangjian.volunteering.matchmaking.models import MatchProposal, ProposedPair
from dangjian.volunteering.models import Need, Skill, Volunteer
from tests.factories import PersonFactory

STAFF_ROLES = [BuiltinRole.ORG_DEPARTMENT_ADMIN, BuiltinRole.ORG_SECRETARY, BuiltinRole.ORG_STAFF]
_numbers = itertools.count(1)


def grant_volunteering_permissions(world=None) -> dict:
    """Give the staff roles view/add/change on needs and volunteers, if they lack them."""
    permissions = Permission.objects.filter(
        content_type__app_label="volunteering",
        codename__in=[f"{a}_{m}" for a in ("view", "add", "change") for m in ("need", "volunteer", "skill")],
    )
    for role in Role.objects.filter(code__in=STAFF_ROLES):
        role.permissions.add(*permissions)
    return {}


def skill(name: str) -> Skill:
    return Skill.objects.get_or_create(category="测试", name=name)[0]


def volunteer(
    area: Area,
    org: Organization,
    name: str | None = None,
    *,
    skills=(),
    availability: int = 0,
    capacity_hours: int = 4,
    **fields,
) -> Volunteer:
    person = PersonFactory(name=name or f"志愿者{next(_numbers)}")
    created = Volunteer.objects.create(
        person=person,
        area=area,
        org=org,
        availability=availability,
        capacity_hours=capacity_hours,
        registered_on=timezone.localdate(),
        **fields,
    )
    created.skills.set(skills)
    return created


def need(
    area: Area, org: Organization, title: str | None = None, *, skills=(), availability: int = 0, **fields
) -> Need:
    fields.setdefault("category", NeedCategory.ELDERLY)
    created = Need.objects.create(
        area=area, org=org, title=title or f"需求{next(_numbers)}", availability=availability, **fields
    )
    created.skills.set(skills)
    return created


def need_in_a(world) -> Need:
    found = Need.objects.filter(area=world.grid_a1, state=NeedState.OPEN, title="陪老人看病").first()
    return found or need(world.grid_a1, world.org_a, "陪老人看病")


def need_in_b(world) -> Need:
    """In 社区B but above its grid: outside secretary_a's scope and outside any grid post there."""
    found = Need.objects.filter(area=world.community_b, state=NeedState.OPEN, title="修水管").first()
    return found or need(world.community_b, world.org_b, "修水管")


def volunteer_in_a(world) -> Volunteer:
    found = Volunteer.objects.filter(person__name="刘志愿").first()
    return found or volunteer(world.building_a1, world.org_a, "刘志愿")


def volunteer_in_b(world) -> Volunteer:
    found = Volunteer.objects.filter(person__name="陈志愿").first()
    return found or volunteer(world.community_b, world.org_b, "陈志愿")


def proposal_for(area: Area, need_obj: Need, volunteer_obj: Volunteer, by=None) -> MatchProposal:
    """A draft proposal of ``area`` with one pair, written directly."""
    found = MatchProposal.objects.filter(area=area, state=ProposalState.DRAFT).first()
    if found is not None:
        return found
    proposal = MatchProposal.objects.create(area=area, open_needs=1, volunteers_considered=1, created_by=by)
    ProposedPair.objects.create(proposal=proposal, need=need_obj, volunteer=volunteer_obj, score=80, slots=2)
    return proposal


def proposal_in_a(world) -> MatchProposal:
    return proposal_for(world.community_a, need_in_a(world), volunteer_in_a(world))


def proposal_in_b(world) -> MatchProposal:
    return proposal_for(world.community_b, need_in_b(world), volunteer_in_b(world))
