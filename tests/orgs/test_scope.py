import pytest

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.orgs import services
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Area, Organization


def test_secretary_sees_own_subtree_and_not_sibling_community(world, secretary_a):
    visible = set(Organization.objects.visible_to(secretary_a))
    assert world.org_a in visible and world.branch_a1 in visible
    assert world.org_b not in visible and world.street_org not in visible
    areas = set(Area.objects.visible_to(secretary_a))
    assert world.community_a in areas and world.grid_a1 in areas and world.community_b not in areas


def test_resident_without_roles_sees_nothing(world, resident):
    assert not Organization.objects.visible_to(resident).exists()


def test_secretary_cannot_create_under_sibling_community(world, secretary_a):
    with pytest.raises(PermissionDenied):
        services.create_node(
            Organization, parent=world.org_b, by=secretary_a, name="新支部", code="X1", kind=OrgKind.BRANCH
        )


def test_create_and_move_are_audited_with_old_and_new_values(world, secretary_a):
    branch = services.create_node(
        Organization,
        parent=world.org_a,
        by=secretary_a,
        name="幸福社区第二网格党支部",
        code="B0009",
        kind=OrgKind.BRANCH,
    )
    services.update_node(branch, by=secretary_a, expected_version=1, name="幸福社区二网格党支部")
    entry = AuditEntry.objects.filter(object_id=str(branch.pk), action="update").get()
    assert entry.changes["name"] == ["幸福社区第二网格党支部", "幸福社区二网格党支部"]
    assert entry.username == "secretary_a"


def test_stale_edit_is_refused(world, secretary_a):
    services.update_node(world.branch_a1, by=secretary_a, expected_version=1, name="改名一")
    with pytest.raises(RuleViolation) as error:
        services.update_node(world.branch_a1, by=secretary_a, expected_version=1, name="改名二")
    assert "已被他人修改" in error.value.message
