"""Granting and revoking roles on tree nodes: scoped, no escalation, audited, never deleted."""

from __future__ import annotations

import pytest

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import Role, RoleAssignment
from dangjian.accounts.services import assign_role, revoke_role
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.core.scoping import scope_of
from tests.factories import UserFactory


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer")


def test_district_admin_grants_a_secretary_role_in_the_district_and_it_is_audited(
    district_admin, newcomer, world
):
    role = Role.objects.get(code=BuiltinRole.ORG_SECRETARY)
    assignment = assign_role(newcomer, role, world.org_a, by=district_admin)
    assert assignment.is_active
    assert scope_of(newcomer).has_perm("orgs.view_organization", org_path=world.branch_a1.path)
    entry = AuditEntry.objects.get(action=AuditAction.PERMISSION, object_id=str(assignment.pk))
    assert entry.username == "district_admin"
    assert entry.changes["role"] == [None, role.name]
    assert entry.changes["node"] == [None, str(world.org_a)]
    assert entry.org_path == world.org_a.path


def test_role_on_an_area_is_granted_on_the_area(district_admin, newcomer, world):
    role = Role.objects.get(code=BuiltinRole.GRID_WORKER)
    assignment = assign_role(newcomer, role, world.grid_a1, by=district_admin)
    assert assignment.area == world.grid_a1
    assert assignment.org is None


def test_secretary_without_the_grant_permission_is_refused(secretary_a, newcomer, world):
    role = Role.objects.get(code=BuiltinRole.ORG_STAFF)
    with pytest.raises(PermissionDenied):
        assign_role(newcomer, role, world.org_a, by=secretary_a)
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.PERMISSION).exists()


def test_nobody_but_a_system_admin_grants_a_global_role(district_admin, admin, newcomer, world):
    role = Role.objects.get(code=BuiltinRole.SYSTEM_ADMIN)
    with pytest.raises(PermissionDenied):
        assign_role(newcomer, role, world.district_org, by=district_admin)
    assert assign_role(newcomer, role, world.district_org, by=admin).is_active


def test_a_role_with_permissions_beyond_the_granter_is_refused(district_admin, newcomer, world):
    from django.contrib.auth.models import Permission

    role = Role.objects.create(code="everything", name="万能")
    role.permissions.add(Permission.objects.get(codename="delete_person"))
    with pytest.raises(PermissionDenied, match="超出"):
        assign_role(newcomer, role, world.org_a, by=district_admin)


def test_the_same_role_on_the_same_node_is_not_granted_twice(district_admin, newcomer, world):
    role = Role.objects.get(code=BuiltinRole.ORG_STAFF)
    assign_role(newcomer, role, world.org_a, by=district_admin)
    with pytest.raises(RuleViolation):
        assign_role(newcomer, role, world.org_a, by=district_admin)


def test_revoking_sets_the_assignment_inactive_keeps_it_and_audits(district_admin, secretary_a, world):
    assignment = secretary_a.role_assignments.get()
    revoked = revoke_role(assignment, by=district_admin)
    assert not revoked.is_active
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    secretary_a.refresh_from_db()
    assert not scope_of(secretary_a).has_any("orgs.view_organization")
    entry = AuditEntry.objects.get(action=AuditAction.PERMISSION, object_id=str(assignment.pk))
    assert entry.changes["is_active"] == [True, False]


def test_secretary_b_cannot_revoke_a_role_in_community_a(secretary_a, secretary_b):
    with pytest.raises(PermissionDenied):
        revoke_role(secretary_a.role_assignments.get(), by=secretary_b)
    assert secretary_a.role_assignments.get().is_active
