"""Builders for the 帮扶对子 tests: pairs written directly, in 社区A (secretary_a's) and inside
光明社区第一网格 of 社区B (where the two-role persona is a grid worker, so the out-of-scope
object proves that her grid post widens nothing read under a help-pairs permission)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import User
from dangjian.core.models import Person
from dangjian.help_pairs.choices import PairKind
from dangjian.help_pairs.models import HelpPair, Visit
from dangjian.members.models import PartyMember, Resident
from tests.factories import PersonFactory, UserFactory, assign


def today() -> datetime.date:
    return timezone.localdate()


def pair(
    helper: Person,
    area,
    org,
    *,
    kind: str = PairKind.FAMILY,
    family_head: Person | None = None,
    since_days: int = 60,
    interval: int = 30,
    last_visit_days: int | None = None,
    **fields,
) -> HelpPair:
    since = today() - datetime.timedelta(days=since_days)
    last = today() - datetime.timedelta(days=last_visit_days) if last_visit_days is not None else None
    if kind == PairKind.FAMILY and family_head is None:
        family_head = PersonFactory(name="困难户")
    made = HelpPair.objects.create(
        helper=helper,
        kind=kind,
        family_head=family_head,
        area=area,
        org=org,
        since=since,
        visit_interval_days=interval,
        last_visited_on=last,
        next_visit_due=(last or since) + datetime.timedelta(days=interval),
        **fields,
    )
    if last is not None:
        Visit.objects.create(pair=made, visited_on=last, findings="家中情况稳定")
    return made


def member_in(org, name: str) -> Person:
    """A person who is a party member of ``org`` (so staff of its scope see them)."""
    person = PersonFactory(name=name)
    PartyMember.objects.create(person=person, org=org)
    return person


def resident_in(area, name: str) -> Person:
    """A person whose current home is ``area``."""
    person = PersonFactory(name=name)
    Resident.objects.create(person=person, area=area)
    return person


def pair_in_a(world) -> HelpPair:
    found = HelpPair.objects.filter(org=world.org_a).first()
    return found or pair(
        member_in(world.branch_a1, "李帮扶"),
        world.grid_a1,
        world.org_a,
        family_head=resident_in(world.building_a1, "王困难"),
    )


def pair_in_b(world) -> HelpPair:
    found = HelpPair.objects.filter(area=world.grid_b1).first()
    return found or pair(
        PersonFactory(name="赵帮扶"), world.grid_b1, world.branch_b1, family_head=PersonFactory(name="钱困难")
    )


def visit_in(pair_obj: HelpPair) -> Visit:
    return Visit.objects.filter(pair=pair_obj).first() or Visit.objects.create(
        pair=pair_obj, visited_on=today() - datetime.timedelta(days=3), findings="走访了解情况"
    )


def member_helper(world, username: str = "helper_member", name: str = "党员帮扶人") -> User:
    """A party member of 社区A's branch with their own account (party_member role)."""
    person = PersonFactory(name=name)
    PartyMember.objects.create(person=person, org=world.branch_a1)
    user = UserFactory(username=username, person=person)
    assign(user, BuiltinRole.PARTY_MEMBER, world.branch_a1)
    return user
