"""The step's configuration: categories, departments with their users, routing rules."""

from __future__ import annotations

import math
import random

from dangjian.orgs.models import Area, Organization
from dangjian.service.demo_data.common import Leaf_
from dangjian.service.demo_data.tables import (
    CATEGORIES,
    DEPARTMENTS,
    PUBLIC_SPACE_GROUPS,
    PUBLIC_SPACE_LEAVES,
    SEASONS,
    WH,
)
from dangjian.service.models import (
    Category,
    Department,
    DepartmentMember,
    RoutingRule,
)

# --- configuration ----------------------------------------------------------------------------------


def _add_category(parent, name: str, code: str, **fields) -> Category:
    node = Category(name=name, code=code, **fields)
    node.refresh_search_fields()
    if parent is None:
        return Category.objects.add_root(instance=node)
    return Category.objects.add_child(parent, instance=node)


def seed_configuration(generator, district: Area) -> tuple[dict[str, Department], list[Leaf_]]:
    """Departments of a district and (once) the category tree; returns the departments and leaves."""
    code_prefix = district.code
    departments: dict[str, Department] = {}
    for code, name, hours in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            code=f"{code_prefix}-{code}",
            defaults={
                "name": f"{district.name}{name}",
                "area": district,
                "phone": f"010-6{generator.rng.randint(1000000, 9999999)}",
                "report_limit_amount": hours,
                "report_limit_unit": WH,
            },
        )
        departments[code] = department
    if not Category.objects.exists():
        for top_code, top_name, leaves in CATEGORIES:
            shown = top_code in PUBLIC_SPACE_GROUPS
            top = _add_category(
                None, top_name, top_code, description=f"{top_name}类诉求", requests_public=shown
            )
            for code, name, amount, unit, mode, public, handler, _w, _s, text in leaves:
                _add_category(
                    Category.objects.get(pk=top.pk),
                    name,
                    code,
                    description=text,
                    limit_amount=amount,
                    limit_unit=unit,
                    service_mode=mode,
                    is_public=public,
                    requests_public=shown or code in PUBLIC_SPACE_LEAVES,
                    default_handler_department=departments.get(handler),
                )
    specs = {leaf[0]: leaf for _code, _name, leaves in CATEGORIES for leaf in leaves}
    leaves_: list[Leaf_] = []
    for category in Category.objects.filter(is_active=True, numchild=0).order_by("path"):
        spec = specs.get(category.code)
        handler = spec[6] if spec else "community"
        weight, season = (spec[7], spec[8]) if spec else (1.0, "")
        leaves_.append(
            Leaf_(
                pk=category.pk,
                path=category.path,
                name=category.name,
                amount=category.limit_amount,
                unit=category.limit_unit,
                mode=category.service_mode,
                public=category.is_public,
                handler=handler,
                description=spec[9] if spec else category.description or f"关于{category.name}的诉求。",
                weights=[weight * factor for factor in SEASONS[season]],
            )
        )
    return departments, leaves_


def department_users(generator, departments_by_district: list[dict[str, Department]]) -> int:
    """A user per department of the first district (``bm_handler`` for 城管); role on the district."""
    from dangjian.accounts.choices import BuiltinRole
    from dangjian.accounts.models import Role, RoleAssignment, User

    if not departments_by_district:
        return 0
    template = User.objects.filter(username="bm_handler").first()
    if template is None:
        return 0
    role = Role.objects.filter(code=BuiltinRole.DEPARTMENT_HANDLER).first()
    district = generator.anchors.district
    written = 0
    for code, department in departments_by_district[0].items():
        if code == "CG":
            user = template
        else:
            username = f"bm_{code.lower()}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username,
                    last_name="演示",
                    first_name=department.name.removeprefix(district.name if district else ""),
                    password=template.password,  # the shared, published demo password
                )
                if role is not None and district is not None:
                    RoleAssignment.objects.create(user=user, role=role, area=district)
                written += 1
        _, created = DepartmentMember.objects.get_or_create(department=department, user=user)
        written += created
    return written


def routing_rules(rng: random.Random, streets: list[tuple[Area, Organization | None]], leaves, departments):
    """Some category × street pairs handled by the street's 党工委 or another department."""
    by_code = {leaf.path: leaf for leaf in leaves}
    codes = {
        category.code: category for category in Category.objects.filter(pk__in=[leaf.pk for leaf in leaves])
    }
    plans = [
        ("HW01", "street"),  # 垃圾清运 → the street's 党工委 (its own sanitation team)
        ("WY04", "street"),  # 物业服务 → the street
        ("ZA01", "CG"),  # 噪音扰民 (商铺) → 城管执法局
        ("SR02", "CG"),  # 乱堆乱放 → 城管执法局
    ]
    rules = []
    for index, (street, street_org) in enumerate(streets[: max(1, math.ceil(len(streets) / 3))]):
        for offset, (code, target) in enumerate(plans):
            if (index + offset) % 2 and len(streets) > 1:
                continue
            category = codes.get(code)
            if category is None or category.path not in by_code:
                continue
            if target == "street":
                if street_org is None:
                    continue
                rules.append(RoutingRule(category=category, area=street, handler_org=street_org))
            else:
                rules.append(
                    RoutingRule(category=category, area=street, handler_department=departments[target])
                )
    RoutingRule.objects.bulk_create(rules)
    return rules
