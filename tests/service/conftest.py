"""The service world: a category tree, a department with a user, grid boundaries, and request helpers.

Categories (under 市容环境 and 民生服务):
- ``garbage``  垃圾清运: 3 working days, handled by 社区A's first grid branch by default;
- ``lighting`` 路灯维修: 8 working hours, handled by the department 城管 by default;
- ``elderly``  独居老人紧急求助: 1 calendar day (全时通), 代办, not public on the portal;
The two 市容环境 leaves are public-space categories (``requests_public``); 民生服务 ones are private.
- ``parent``   市容环境 itself (not a leaf: requests cannot be filed under it).
Personas added: ``handler_a1`` (org staff of 社区A第一网格党支部), ``department_user`` (a user of 城管).
Grids get square boundaries: grid_a1 around (39.90, 116.40), grid_a2 east of it, grid_b1 further east.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import User
from dangjian.service import services
from dangjian.service.choices import RequestSource, ServiceMode, TimeLimitUnit
from dangjian.service.models import Category, Department, DepartmentMember, ServiceRequest
from tests.factories import UserFactory, assign

TZ = timezone.get_fixed_timezone(8 * 60)


def square(west: float, south: float, size: float = 0.01) -> dict:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def add_category(parent: Category | None, name: str, code: str, **fields) -> Category:
    node = Category(name=name, code=code, **fields)
    node.refresh_search_fields()
    return (
        Category.objects.add_child(parent, instance=node)
        if parent
        else Category.objects.add_root(instance=node)
    )


def at(text: str) -> datetime.datetime:
    """An aware local time from 'YYYY-MM-DD HH:MM' (Asia/Shanghai)."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


@dataclass
class ServiceWorld:
    parent: Category
    garbage: Category
    lighting: Category
    elderly: Category
    department: Department


@pytest.fixture
def service_world(world) -> ServiceWorld:
    for grid, west in ((world.grid_a1, 116.40), (world.grid_a2, 116.41), (world.grid_b1, 116.43)):
        grid.boundary = square(west, 39.90)
        grid.save()
    department = Department.objects.create(name="区城管执法局", code="CG", area=world.district)
    parent = add_category(None, "市容环境", "SR", requests_public=True)
    garbage = add_category(
        parent,
        "垃圾清运",
        "SR01",
        requests_public=True,
        limit_amount=3,
        limit_unit=TimeLimitUnit.WORKING_DAYS,
        default_handler_org=world.branch_a1,
    )
    lighting = add_category(
        parent,
        "路灯维修",
        "SR02",
        requests_public=True,
        limit_amount=8,
        limit_unit=TimeLimitUnit.WORKING_HOURS,
        default_handler_department=department,
    )
    people = add_category(None, "民生服务", "MS")
    elderly = add_category(
        people,
        "独居老人紧急求助",
        "MS01",
        limit_amount=1,
        limit_unit=TimeLimitUnit.CALENDAR_DAYS,
        service_mode=ServiceMode.ON_BEHALF,
        is_public=False,
        default_handler_org=world.org_a,
    )
    parent.refresh_from_db()
    return ServiceWorld(
        parent=parent, garbage=garbage, lighting=lighting, elderly=elderly, department=department
    )


@pytest.fixture
def handler_a1(world) -> User:
    user = UserFactory(username="handler_a1", last_name="孙", first_name="处置员")
    assign(user, BuiltinRole.ORG_STAFF, world.branch_a1)
    return user


@pytest.fixture
def department_user(service_world) -> User:
    user = UserFactory(username="department_user", last_name="钱", first_name="城管")
    assign(user, BuiltinRole.DEPARTMENT_HANDLER, service_world.department.area)
    DepartmentMember.objects.create(department=service_world.department, user=user)
    return user


def file_request(
    world, category: Category, *, area=None, by=None, source=RequestSource.PORTAL, now=None, **fields
) -> ServiceRequest:
    """A request reported in 社区A's first grid (by a resident through the portal unless ``by`` is given)."""
    return services.submit_request(
        category=category,
        description=fields.pop("description", "小区门口垃圾三天没人清运"),
        source=source,
        area=area or world.grid_a1,
        by=by,
        now=now,
        contact_phone=fields.pop("contact_phone", "13800138000"),
        **fields,
    )


def dispatched_request(world, service_world, secretary, *, now=None) -> ServiceRequest:
    """A 垃圾清运 request accepted by 社区A and dispatched to its first grid branch."""
    request_obj = file_request(world, service_world.garbage, now=now)
    services.accept_request(request_obj, by=secretary, now=now)
    services.dispatch_request(request_obj, by=secretary, now=now)
    return request_obj


def resolved_request(world, service_world, secretary, handler, *, now=None) -> ServiceRequest:
    """A request handled by ``handler`` and approved by ``secretary`` (办结)."""
    request_obj = dispatched_request(world, service_world, secretary, now=now)
    services.start_handling(request_obj, by=handler, now=now)
    services.report_result(request_obj, by=handler, resolution="已清运", now=now)
    services.approve_result(request_obj, by=secretary, now=now)
    return request_obj


def rate_as_resident(
    request_obj: ServiceRequest, *, level: str, comment: str = "", now=None
) -> ServiceRequest:
    """The resident rates with the one-time link of a rating invitation (the only way to rate)."""
    token = services.issue_rating_link(request_obj, now=now)
    return services.rate_request(request_obj, level=level, proof=token, comment=comment, now=now)
