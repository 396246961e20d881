"""A grant over a whole tree reads every row without testing it; a second tree root keeps the test.

The district 组织部's admin holds the district's root organization (and its jurisdiction, the
district's root area): every volunteer lies under it, so the scope adds no condition (the name
search for 张 then walks the name index alone). Where the platform holds a second district, the
same grant must still stop at its own district.
"""

from __future__ import annotations

import pytest

from dangjian.accounts.choices import BuiltinRole
from dangjian.orgs.choices import AreaKind, OrgKind
from dangjian.volunteering.models import Volunteer, _two_trees_q
from tests.factories import UserFactory, add_area, add_org, assign
from tests.volunteering.helpers import volunteer


def _names(user) -> set[str]:
    return {row.person.name for row in Volunteer.objects.visible_to(user).select_related("person")}


@pytest.mark.django_db
def test_the_district_admin_reads_every_volunteer_with_no_condition(world, district_admin):
    volunteer(world.grid_a1, world.org_a, "张一")
    volunteer(world.community_b, world.org_b, "张二")

    assert _two_trees_q(district_admin.get_scope()) == type(_two_trees_q(district_admin.get_scope()))()
    assert _names(district_admin) == {"张一", "张二"}


@pytest.mark.django_db
def test_with_a_second_district_the_admin_of_the_first_does_not_read_the_second(world, district_admin):
    other_area = add_area(None, "邻区", "110106", AreaKind.DISTRICT)
    other_org = add_org(None, "中共邻区委员会", "D0002", OrgKind.DISTRICT_COMMITTEE, jurisdiction=other_area)
    volunteer(world.grid_a1, world.org_a, "张一")
    volunteer(other_area, other_org, "张邻")
    neighbour_admin = UserFactory(username="neighbour_admin")
    assign(neighbour_admin, BuiltinRole.ORG_DEPARTMENT_ADMIN, other_org)

    assert _names(district_admin) == {"张一"}
    assert _names(neighbour_admin) == {"张邻"}
