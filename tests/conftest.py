"""Named personas and a small world of two communities, as in Healthchecks' Alice/Bob/Charlie.

The world: 示范区 → 和平街道 → 社区A (two grids) and 社区B; the matching party organizations
(区委 → 街道党工委 → 社区A党委 with 网格党支部, 社区B党委). Personas: ``admin`` (system admin),
``district_admin`` (组织部 admin at the district), ``secretary_a`` (secretary of 社区A党委),
``secretary_b`` (secretary of 社区B党委), ``grid_worker_a`` (grid worker on 社区A's first grid),
``secretary_a_grid_worker_b`` (secretary of 社区A党委 who is also a grid worker on 社区B's grid:
two roles in two places, each allowing only what it allows where it is held), ``resident``
(logged in, no role).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connections
from django.db.models.signals import post_migrate

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import User
from dangjian.orgs.choices import AreaKind, OrgField, OrgKind
from dangjian.orgs.models import Area, Organization
from tests.factories import UserFactory, add_area, add_org, assign


@pytest.fixture(autouse=True)
def _an_empty_cache_per_test():
    """The 工作台 caches street- and district-wide counts for a minute and the portal counts
    attempts in the cache: no test may read what an earlier one left there."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def _search_threads_closed_at_the_end(django_db_setup):
    """The search box's pool threads keep their own connections (browser tests ask it outside a
    transaction); they are closed before pytest-django drops the test database (set up first,
    so torn down after this)."""
    yield
    from dangjian.search.selectors import stop_threads

    stop_threads()


# Reference data that migrations load (the working-day calendar, 好差评 levels, the national
# development steps, the 三会一课 cadences). A transactional test (browser, concurrency) ends with
# a flush that empties every table, so the tests after it would run against a platform without
# them: deadlines fell back to the statutory holidays with a warning. Django's flush sends
# post_migrate, as migrate does; loading them again there restores what a real install has.
SEEDING_MIGRATIONS = [
    ("dangjian.core.migrations.0003_seed_calendar", "seed"),
    ("dangjian.service.migrations.0002_roles_and_rating_levels", "seed_levels"),
    ("dangjian.development.migrations.0004_national_rule_set_2014", "seed"),
    ("dangjian.life.migrations.0004_default_cadences_and_permissions", "seed_cadences"),
]


def _load_reference_data(sender, using: str = "default", **kwargs) -> None:
    if sender.label != "core":  # post_migrate is sent once per app; load once
        return
    schema_editor = SimpleNamespace(connection=connections[using])
    for module, function in SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, schema_editor)


post_migrate.connect(_load_reference_data, dispatch_uid="tests_reference_data_after_flush")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After every passing database test: each person's ``scope_keys`` equal a recomputation.

    ``Person.visible_to`` reads the copy (``core.person_scope``); a service, import or factory
    that places a person without keeping the copy in step fails the test that exercised it.
    """
    result = yield
    if "_django_db_helper" in item.fixturenames:
        from dangjian.core.models import Person
        from dangjian.core.person_scope import computed_keys

        wanted = computed_keys()
        stale = [
            (pk, keys, wanted.get(pk, ""))
            for pk, keys in Person.objects.values_list("pk", "scope_keys")
            if keys != wanted.get(pk, "")
        ]
        assert not stale, f"Person.scope_keys out of step with homes, memberships and grid posts: {stale[:5]}"
    return result


@dataclass
class World:
    district: Area
    street: Area
    community_a: Area
    community_b: Area
    grid_a1: Area
    grid_a2: Area
    grid_b1: Area
    building_a1: Area
    district_org: Organization
    street_org: Organization
    org_a: Organization
    org_b: Organization
    branch_a1: Organization
    branch_b1: Organization


@pytest.fixture
def world(db) -> World:
    district = add_area(None, "示范区", "110105", AreaKind.DISTRICT)
    street = add_area(district, "和平街道", "110105001", AreaKind.STREET)
    community_a = add_area(street, "幸福社区", "110105001001", AreaKind.COMMUNITY)
    community_b = add_area(street, "光明社区", "110105001002", AreaKind.COMMUNITY)
    grid_a1 = add_area(community_a, "幸福社区第一网格", "110105001001G01", AreaKind.GRID)
    grid_a2 = add_area(community_a, "幸福社区第二网格", "110105001001G02", AreaKind.GRID)
    grid_b1 = add_area(community_b, "光明社区第一网格", "110105001002G01", AreaKind.GRID)
    building_a1 = add_area(grid_a1, "1号楼", "110105001001G01B01", AreaKind.BUILDING)
    district_org = add_org(
        None,
        "中共示范区委员会",
        "D0001",
        OrgKind.DISTRICT_COMMITTEE,
        field=OrgField.GOVERNMENT,
        jurisdiction=district,
    )
    street_org = add_org(
        district_org, "中共和平街道工作委员会", "S0001", OrgKind.WORKING_COMMITTEE, jurisdiction=street
    )
    org_a = add_org(
        street_org, "中共幸福社区委员会", "C0001", OrgKind.PRIMARY_COMMITTEE, jurisdiction=community_a
    )
    org_b = add_org(
        street_org, "中共光明社区委员会", "C0002", OrgKind.PRIMARY_COMMITTEE, jurisdiction=community_b
    )
    branch_a1 = add_org(org_a, "幸福社区第一网格党支部", "B0001", OrgKind.BRANCH, jurisdiction=grid_a1)
    branch_b1 = add_org(org_b, "光明社区第一网格党支部", "B0002", OrgKind.BRANCH, jurisdiction=grid_b1)
    return World(
        district=district,
        street=street,
        community_a=community_a,
        community_b=community_b,
        grid_a1=grid_a1,
        grid_a2=grid_a2,
        grid_b1=grid_b1,
        building_a1=building_a1,
        district_org=district_org,
        street_org=street_org,
        org_a=org_a,
        org_b=org_b,
        branch_a1=branch_a1,
        branch_b1=branch_b1,
    )


@pytest.fixture
def admin(db) -> User:
    return UserFactory(
        username="admin", is_superuser=True, is_staff=True, last_name="系统", first_name="管理员"
    )


@pytest.fixture
def district_admin(world) -> User:
    user = UserFactory(username="district_admin", last_name="组织部", first_name="管理员")
    assign(user, BuiltinRole.ORG_DEPARTMENT_ADMIN, world.district_org)
    return user


@pytest.fixture
def secretary_a(world) -> User:
    user = UserFactory(username="secretary_a", last_name="李", first_name="书记")
    assign(user, BuiltinRole.ORG_SECRETARY, world.org_a)
    return user


@pytest.fixture
def secretary_b(world) -> User:
    user = UserFactory(username="secretary_b", last_name="王", first_name="书记")
    assign(user, BuiltinRole.ORG_SECRETARY, world.org_b)
    return user


@pytest.fixture
def grid_worker_a(world) -> User:
    user = UserFactory(username="grid_worker_a", last_name="赵", first_name="网格员")
    assign(user, BuiltinRole.GRID_WORKER, world.grid_a1)
    return user


@pytest.fixture
def secretary_a_grid_worker_b(world) -> User:
    """Two roles in two places: the secretary's rights over 社区A, a grid worker's over 光明社区第一网格.

    The grid post covers 社区B's grid (and 光明社区第一网格党支部, whose jurisdiction it is), so
    any list read under a permission only the secretary holds must still stop at 社区A.
    """
    user = UserFactory(username="secretary_a_grid_worker_b", last_name="孙", first_name="书记")
    assign(user, BuiltinRole.ORG_SECRETARY, world.org_a)
    assign(user, BuiltinRole.GRID_WORKER, world.grid_b1)
    return user


@pytest.fixture
def resident(db) -> User:
    return UserFactory(username="resident", last_name="居", first_name="民")
