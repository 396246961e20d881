"""``Person.scope_keys``: the copy of where people are placed that scoped person lists read.

``Person.visible_to`` tests one column (``core.person_scope``) instead of three subqueries, so
a street secretary's name search is bounded by the street's rows; these tests hold the copy to
its definition (the members app's ``scope_q``) for every persona, and follow the paths that
change a placement: homes, memberships, grid posts, moving a node, an org's jurisdiction.
"""

from __future__ import annotations

import pytest

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.models import Person
from dangjian.core.person_scope import keys_for, refresh_scope_keys
from dangjian.core.scoping import AREA, ORG, scope_of
from dangjian.members.choices import GridWorkerKind
from dangjian.members.models import GridWorker, PartyMember, Resident
from dangjian.orgs import services as org_services
from dangjian.orgs.choices import AreaKind
from tests.factories import PersonFactory, UserFactory, add_area, assign

PERSONAS = [
    "admin",
    "district_admin",
    "secretary_a",
    "secretary_b",
    "grid_worker_a",
    "secretary_a_grid_worker_b",
]


def _visible(user) -> set[str]:
    return set(Person.objects.visible_to(user).values_list("name", flat=True))


def _by_definition(user) -> set[str]:
    """What the placements' ``Exists`` subqueries answer for the user's person-view grants."""
    scope = scope_of(user).restricted_to("core.view_person")
    if scope.is_global:
        return set(Person.objects.values_list("name", flat=True))
    if not scope.grants:
        return set()
    return set(Person.objects.filter(Person.placement_scope_q(scope)).values_list("name", flat=True))


@pytest.fixture
def placed(world):
    """People placed every way a person can be, in both communities, and one placed nowhere."""
    home_a = PersonFactory(name="甲居民")
    Resident.objects.create(person=home_a, area=world.building_a1)
    moved_out = PersonFactory(name="乙旧居民")
    Resident.objects.create(person=moved_out, area=world.grid_b1, is_current=False)
    home_b = PersonFactory(name="丙居民")
    Resident.objects.create(person=home_b, area=world.grid_b1)
    member_a = PersonFactory(name="丁党员")
    PartyMember.objects.create(person=member_a, org=world.branch_a1, status="full")
    member_b = PersonFactory(name="戊党员")
    PartyMember.objects.create(person=member_b, org=world.org_b, status="full")
    worker_b = PersonFactory(name="己网格员")
    GridWorker.objects.create(person=worker_b, area=world.grid_b1, kind=GridWorkerKind.FULL_TIME)
    PersonFactory(name="庚无处")
    return world


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_sees_exactly_the_people_the_placements_define(request, placed, persona):
    user = request.getfixturevalue(persona)
    assert _visible(user) == _by_definition(user)


def test_the_copy_holds_what_the_definition_places(placed, secretary_a, secretary_b, district_admin):
    assert _visible(secretary_a) == {"甲居民", "丁党员"}
    assert _visible(secretary_b) == {"丙居民", "戊党员", "己网格员"}
    # Nobody scoped sees a person placed nowhere, or a former home.
    assert "庚无处" not in _visible(district_admin)
    assert "乙旧居民" not in _visible(district_admin)


def test_keys_hold_a_token_for_every_ancestor_of_every_place():
    keys = keys_for([(AREA, "000100020003"), (ORG, "00010005")])
    assert keys == " a0001 a00010002 a000100020003 o0001 o00010005 "
    assert keys_for([]) == ""


def test_moving_out_and_ending_a_grid_post_take_the_person_out_of_scope(placed, secretary_b):
    Resident.objects.filter(person__name="丙居民").get().delete()
    worker = GridWorker.objects.get(person__name="己网格员")
    worker.is_active = False
    worker.save()
    assert _visible(secretary_b) == {"戊党员"}


def test_moving_a_grid_to_another_community_moves_its_people(placed, admin, secretary_a, secretary_b):
    org_services.move_node(placed.grid_b1, new_parent=placed.community_a, by=admin)
    # The grid's resident and worker now live in 社区A; the member stays with 社区B's org.
    assert {"丙居民", "己网格员"} <= _visible(secretary_a)
    assert _visible(secretary_b) == {"戊党员"}
    assert _visible(secretary_a) == _by_definition(secretary_a)


def test_changing_an_orgs_jurisdiction_places_its_members_under_the_new_area(placed, admin):
    grid_worker = UserFactory(username="grid_a2_worker")
    assign(grid_worker, BuiltinRole.GRID_WORKER, placed.grid_a2)
    assert "丁党员" not in _visible(grid_worker)
    org_services.update_node(placed.branch_a1, by=admin, jurisdiction=placed.grid_a2)
    assert "丁党员" in _visible(grid_worker)
    assert _visible(grid_worker) == _by_definition(grid_worker)


def test_a_stale_person_instance_saved_later_keeps_the_keys(placed, secretary_a):
    person = PersonFactory(name="辛新居民")
    Resident.objects.create(person=person, area=placed.grid_a2)
    person.name = "辛新居民改"
    person.save()  # the instance was read before the home existed
    assert "辛新居民改" in _visible(secretary_a)


def test_refresh_after_bulk_inserts_places_the_people(placed, secretary_a):
    people = [PersonFactory(name=f"批量{index}") for index in range(3)]
    Resident.objects.bulk_create([Resident(person=person, area=placed.grid_a2) for person in people])
    assert not {"批量0", "批量1", "批量2"} & _visible(secretary_a)
    assert refresh_scope_keys() == 3
    assert {"批量0", "批量1", "批量2"} <= _visible(secretary_a)
    assert refresh_scope_keys() == 0


def test_a_new_street_added_under_the_district_needs_no_refresh(world, district_admin):
    street = add_area(world.district, "新街道", "110105009", AreaKind.STREET)
    person = PersonFactory(name="壬居民")
    Resident.objects.create(person=person, area=street)
    assert "壬居民" in _visible(district_admin)
