"""Permission table of the grid worker's pages and of the service configuration pages.

Grid pages: ``grid_worker_a`` works 社区A's first grid; 社区B's grid is out of their scope (404).
Configuration: ``district_admin`` (组织部 of 示范区) configures; records of another district
(东城区) are out of scope; ``secretary_a`` may read but not change configuration.
The objects are made on demand, since the table runs with the plain ``world`` fixture.

``secretary_a_grid_worker_b`` opens the grid pages of 社区A as secretary and those of 社区B's grid
as its grid worker (``two_roles``/``two_roles_outside`` "200").
"""

from __future__ import annotations

from dangjian.accounts.models import User
from dangjian.core.models import Person
from dangjian.members.models import Resident
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.service import services
from dangjian.service.choices import RequestSource
from dangjian.service.models import Category, Department, DepartmentMember, RoutingRule, ServiceRequest
from tests.factories import UserFactory, add_area
from tests.permissions import Route
from tests.service.conftest import add_category


def _category() -> Category:
    category = Category.objects.filter(code="RT01").first()
    if category is None:
        parent = add_category(None, "路由测试", "RT")
        category = add_category(parent, "路由测试子类", "RT01")
    return category


def _other_district() -> Area:
    area = Area.objects.filter(code="110101").first()
    return area or add_area(None, "东城区", "110101", AreaKind.DISTRICT)


def _request(grid) -> dict:
    request_obj = ServiceRequest.objects.filter(area=grid).first()
    if request_obj is None:
        request_obj = services.submit_request(
            category=_category(), description="路由测试诉求", source=RequestSource.PORTAL, area=grid
        )
    return {"pk": request_obj.pk}


def _resident(area) -> dict:
    resident = Resident.objects.filter(area=area).first()
    if resident is None:
        resident = Resident.objects.create(
            person=Person.objects.create(name="路由居民"), area=area, household="1单元101"
        )
    return {"resident_pk": resident.pk}


def _rule(area, org) -> dict:
    rule = RoutingRule.objects.filter(area=area).first()
    if rule is None:
        rule = RoutingRule.objects.create(category=_category(), area=area, handler_org=org)
    return {"pk": rule.pk}


def _department(area, code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    return department or Department.objects.create(name=f"部门{code}", code=code, area=area)


def _membership(area, code: str) -> dict:
    department = _department(area, code)
    membership = DepartmentMember.objects.filter(department=department).first()
    if membership is None:
        user = User.objects.filter(username="route_member").first() or UserFactory(username="route_member")
        membership = DepartmentMember.objects.create(department=department, user=user)
    return {"pk": department.pk, "member_pk": membership.pk}


GRID = "grid_worker_a"
ADMIN = "district_admin"

ROUTES: list[Route] = [
    Route("service:grid_home", persona=GRID, denied_persona="resident", two_roles="200"),
    Route(
        "service:grid_report",
        in_scope=lambda w: {"area_pk": w.grid_a1.pk},
        out_of_scope=lambda w: {"area_pk": w.grid_b1.pk},
        persona=GRID,
        denied_persona="resident",
        two_roles="200",
        two_roles_outside="200",
    ),
    Route(
        "service:grid_visit",
        in_scope=lambda w: _request(w.grid_a1),
        out_of_scope=lambda w: _request(w.grid_b1),
        persona=GRID,
        denied_persona="resident",
        two_roles="200",
        two_roles_outside="200",
    ),
    Route(
        "service:grid_households",
        in_scope=lambda w: {"area_pk": w.grid_a1.pk},
        out_of_scope=lambda w: {"area_pk": w.grid_b1.pk},
        persona=GRID,
        denied_persona="resident",
        two_roles="200",
        two_roles_outside="200",
    ),
    Route(
        "service:grid_neighbours",
        in_scope=lambda w: {"area_pk": w.grid_a1.pk},
        out_of_scope=lambda w: {"area_pk": w.grid_b1.pk},
        persona=GRID,
        denied_persona="resident",
        two_roles="200",
        two_roles_outside="200",
    ),
    Route(
        "service:grid_household_neighbours",
        in_scope=lambda w: _resident(w.building_a1),
        out_of_scope=lambda w: _resident(w.grid_b1),
        persona=GRID,
        denied_persona="resident",
        two_roles="200",
        two_roles_outside="200",
    ),
    Route("service:category_list", persona=ADMIN, denied_persona="resident", two_roles="200"),
    Route("service:category_create", persona=ADMIN, denied_persona="secretary_a"),
    Route(
        "service:category_edit",
        in_scope=lambda w: {"pk": _category().pk},
        persona=ADMIN,
        denied_persona="secretary_a",
    ),
    Route("service:routing_list", persona=ADMIN, denied_persona="resident", two_roles="200"),
    Route("service:routing_create", persona=ADMIN, denied_persona="secretary_a"),
    Route(
        "service:routing_edit",
        in_scope=lambda w: _rule(w.community_b, w.org_b),
        out_of_scope=lambda w: _rule(_other_district(), w.org_b),
        persona=ADMIN,
        denied_persona="secretary_a",
    ),
    Route(
        "service:routing_history",
        in_scope=lambda w: _rule(w.community_b, w.org_b),
        out_of_scope=lambda w: _rule(_other_district(), w.org_b),
        persona=ADMIN,
        denied_persona="resident",
        # The rule is 社区B's (outside her grid), the other one another district's.
        two_roles="404",
        two_roles_outside="404",
    ),
    Route("service:department_list", persona=ADMIN, denied_persona="resident", two_roles="200"),
    Route("service:department_create", persona=ADMIN, denied_persona="secretary_a"),
    Route(
        "service:department_edit",
        in_scope=lambda w: {"pk": _department(w.street, "RTS").pk},
        out_of_scope=lambda w: {"pk": _department(_other_district(), "RTO").pk},
        persona=ADMIN,
        denied_persona="secretary_a",
    ),
    Route(
        "service:department_member_add",
        in_scope=lambda w: {"pk": _department(w.street, "RTS").pk},
        out_of_scope=lambda w: {"pk": _department(_other_district(), "RTO").pk},
        persona=ADMIN,
        denied_persona="secretary_a",
        method="post",
        data=lambda w: {"username": "district_admin"},
        allowed_status=302,
    ),
    Route(
        "service:department_member_remove",
        in_scope=lambda w: _membership(w.street, "RTS"),
        out_of_scope=lambda w: _membership(_other_district(), "RTO"),
        persona=ADMIN,
        denied_persona="secretary_a",
    ),
]
