"""Configuration changes of 为民服务: the category tree, the routing table and the departments.

Each function checks the permission and the rules, writes the change and its audit line (with
before/after) in one transaction, and raises ``RuleViolation`` with a Chinese message. Categories
are platform-wide configuration (``audit_scope_paths`` is empty): holding ``service.*_category``
anywhere is enough. Routing rules and departments sit in the area tree and are checked there.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.scoping import scope_of
from dangjian.orgs.models import Area, Organization
from dangjian.service.choices import ServiceMode, TimeLimitUnit
from dangjian.service.models import Category, Department, DepartmentMember, RoutingRule

CATEGORY_FIELDS = (
    "name",
    "code",
    "description",
    "default_handler_org",
    "default_handler_department",
    "limit_amount",
    "limit_unit",
    "service_mode",
    "is_public",
    "requests_public",
    "is_active",
)
DEPARTMENT_FIELDS = ("name", "code", "area", "phone", "report_limit_amount", "report_limit_unit", "is_active")


# --- checks ---------------------------------------------------------------------------------------


def _deny() -> PermissionDenied:
    return PermissionDenied(gettext("You do not have permission to do this within this scope."), rule="scope")


def _require_anywhere(by, permission: str) -> None:
    if not scope_of(by).has_any(permission):
        raise _deny()


def _require_over_area(by, permission: str, area: Area | None) -> None:
    """``permission`` over ``area``; a platform-wide record (no area) needs a global role."""
    scope = scope_of(by)
    if area is None:
        if not scope.is_global:
            raise PermissionDenied(
                gettext("Only system administrators can change records that serve the whole platform."),
                rule="scope",
            )
        return
    if not scope.has_perm(permission, area_path=area.path):
        raise _deny()


def _check_version(current, expected_version: int | None, name: str) -> None:
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentChange(
            gettext(
                "“%(name)s” has been changed by someone else (now version %(version)s); "
                "refresh the page and edit again."
            )
            % {"name": name, "version": current.version},
            rule="concurrent_change",
        )


def _required_text(fields: dict[str, Any], name: str, message: str) -> None:
    if name in fields:
        fields[name] = (fields[name] or "").strip()
        if not fields[name]:
            raise RuleViolation(message, rule="required", field=name)


def _check_handler_visible(by, org: Organization | None, department: Department | None) -> None:
    if org is not None and not Organization.objects.visible_to(by).filter(pk=org.pk).exists():
        raise RuleViolation(
            gettext("The organization “%(name)s” is outside your scope.") % {"name": org.name},
            rule="handler_scope",
            field="default_handler_org",
        )
    if department is not None and not Department.objects.visible_to(by).filter(pk=department.pk).exists():
        raise RuleViolation(
            gettext("The department “%(name)s” is outside your scope.") % {"name": department.name},
            rule="handler_scope",
            field="default_handler_department",
        )


# --- categories -----------------------------------------------------------------------------------


def _clean_category(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise RuleViolation(
            gettext("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            rule="fields",
        )
    _required_text(fields, "name", gettext("Please enter the category's name."))
    _required_text(fields, "code", gettext("Please enter the category's code."))
    if fields.get("default_handler_org") is not None and fields.get("default_handler_department") is not None:
        raise RuleViolation(
            gettext(
                "A category has at most one default handler: choose either an organization or a "
                "department, not both."
            ),
            rule="one_default_handler",
            field="default_handler_department",
        )
    if "limit_amount" in fields:
        amount = fields["limit_amount"]
        if amount is None or int(amount) <= 0:
            raise RuleViolation(
                gettext("The time limit must be greater than 0 (now %(value)s).") % {"value": amount},
                rule="limit_positive",
                field="limit_amount",
            )
    if "limit_unit" in fields and fields["limit_unit"] not in TimeLimitUnit.values:
        raise RuleViolation(gettext("Unknown time limit unit."), rule="limit_unit", field="limit_unit")
    if "service_mode" in fields and fields["service_mode"] not in ServiceMode.values:
        raise RuleViolation(gettext("Unknown service mode."), rule="service_mode", field="service_mode")
    return fields


def _check_code_free(model, code: str, exclude_pk: int | None = None) -> None:
    """Codes of categories and departments are unique; say so before the database refuses."""
    queryset = model.objects.filter(code=code)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if queryset.exists():
        raise RuleViolation(
            gettext("The code “%(code)s” is already in use; choose another code.") % {"code": code},
            rule="unique_code",
            field="code",
        )


def create_category(*, parent: Category | None, by, **fields: Any) -> Category:
    """Add a category under ``parent`` (or as a root)."""
    _require_anywhere(by, "service.add_category")
    fields = _clean_category(dict(fields))
    _check_handler_visible(by, fields.get("default_handler_org"), fields.get("default_handler_department"))
    with transaction.atomic():
        if parent is not None:
            parent = Category.objects.select_for_update(of=("self",)).get(pk=parent.pk)
            if not parent.is_active:
                raise RuleViolation(
                    gettext("The parent category “%(name)s” is deactivated.") % {"name": parent.name},
                    rule="inactive_parent",
                    field="parent",
                )
        _check_code_free(Category, fields["code"])
        node = Category(**fields)
        node.refresh_search_fields()
        try:
            with transaction.atomic():
                node = (
                    Category.objects.add_child(parent, instance=node)
                    if parent is not None
                    else Category.objects.add_root(instance=node)
                )
        except IntegrityError as exc:
            raise RuleViolation(
                gettext(
                    "Saving failed: the code conflicts with an existing category; refresh and try again."
                ),
                rule="integrity",
            ) from exc
        audit.record(AuditAction.CREATE, node, by=by, changes=audit.diff({}, audit.snapshot(node)))
    return node


def update_category(
    category: Category, *, by, expected_version: int | None = None, **fields: Any
) -> Category:
    """Edit a category; refuses when someone else saved it since ``expected_version``."""
    _require_anywhere(by, "service.change_category")
    fields = _clean_category(dict(fields))
    with transaction.atomic():
        current = Category.objects.select_for_update(of=("self",)).get(pk=category.pk)
        _check_version(current, expected_version, current.name)
        merged_org = fields.get("default_handler_org", current.default_handler_org)
        merged_department = fields.get("default_handler_department", current.default_handler_department)
        if merged_org is not None and merged_department is not None:
            _clean_category(
                {"default_handler_org": merged_org, "default_handler_department": merged_department}
            )
        changed_org = (
            merged_org if merged_org is not None and merged_org.pk != current.default_handler_org_id else None
        )
        changed_department = (
            merged_department
            if merged_department is not None and merged_department.pk != current.default_handler_department_id
            else None
        )
        _check_handler_visible(by, changed_org, changed_department)
        if "code" in fields:
            _check_code_free(Category, fields["code"], exclude_pk=current.pk)
        if (
            fields.get("is_active") is False
            and current.is_active
            and Category.objects.filter(
                path__startswith=current.path, depth__gt=current.depth, is_active=True
            ).exists()
        ):
            raise RuleViolation(
                gettext("“%(name)s” still has active subcategories; deactivate them first.")
                % {"name": current.name},
                rule="active_children",
                field="is_active",
            )
        before = audit.snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        current.refresh_search_fields()
        current.version += 1
        current.save()
        changes = audit.diff(before, audit.snapshot(current))
        if changes:
            audit.record(AuditAction.UPDATE, current, by=by, changes=changes)
    return current


# --- routing --------------------------------------------------------------------------------------


def _check_route_handler(handler_org: Organization | None, handler_department: Department | None) -> None:
    if (handler_org is None) == (handler_department is None):
        raise RuleViolation(
            gettext("A routing rule names exactly one handler: an organization or a department."),
            rule="one_handler",
            field="handler_org",
        )


def set_route(
    *,
    category: Category,
    area: Area,
    by,
    handler_org: Organization | None = None,
    handler_department: Department | None = None,
    expected_version: int | None = None,
) -> RoutingRule:
    """Route ``category`` in ``area`` to one handler: creates the rule, or changes (and re-activates) it."""
    _check_route_handler(handler_org, handler_department)
    with transaction.atomic():
        current = (
            RoutingRule.objects.select_for_update(of=("self",))
            .select_related("area", "category", "handler_org", "handler_department")
            .filter(category=category, area=area)
            .first()
        )
        permission = "service.add_routingrule" if current is None else "service.change_routingrule"
        _require_over_area(by, permission, area)
        _check_handler_visible(by, handler_org, handler_department)
        if not category.is_active:
            raise RuleViolation(
                gettext("The category “%(name)s” is deactivated.") % {"name": category.name},
                rule="inactive_category",
                field="category",
            )
        if current is None:
            if expected_version is not None:
                raise ConcurrentChange(
                    gettext("This routing rule no longer exists; refresh the page."), rule="concurrent_change"
                )
            rule = RoutingRule.objects.create(
                category=category, area=area, handler_org=handler_org, handler_department=handler_department
            )
            audit.record(AuditAction.CREATE, rule, by=by, changes=audit.diff({}, _route_snapshot(rule)))
            return rule
        _check_version(current, expected_version, str(current))
        before = _route_snapshot(current)
        current.handler_org = handler_org
        current.handler_department = handler_department
        current.is_active = True
        current.version += 1
        current.save()
        changes = audit.diff(before, _route_snapshot(current))
        if changes:
            audit.record(AuditAction.UPDATE, current, by=by, changes=changes)
    return current


def _route_snapshot(rule: RoutingRule) -> dict[str, Any]:
    return audit.snapshot(
        rule, ["category", "area", "handler_org", "handler_department", "is_active", "version"]
    )


def deactivate_route(rule: RoutingRule, *, by, expected_version: int | None = None) -> RoutingRule:
    """Stop a rule from applying (kept for its history); the category's default applies again."""
    with transaction.atomic():
        current = (
            RoutingRule.objects.select_for_update(of=("self",))
            .select_related("area", "category")
            .get(pk=rule.pk)
        )
        _require_over_area(by, "service.change_routingrule", current.area)
        _check_version(current, expected_version, str(current))
        if not current.is_active:
            raise RuleViolation(gettext("This routing rule is already inactive."), rule="already_inactive")
        before = _route_snapshot(current)
        current.is_active = False
        current.version += 1
        current.save()
        audit.record(
            AuditAction.DEACTIVATE, current, by=by, changes=audit.diff(before, _route_snapshot(current))
        )
    return current


# --- departments ----------------------------------------------------------------------------------


def _clean_department(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(DEPARTMENT_FIELDS)
    if unknown:
        raise RuleViolation(
            gettext("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            rule="fields",
        )
    _required_text(fields, "name", gettext("Please enter the department's name."))
    _required_text(fields, "code", gettext("Please enter the department's code."))
    if "report_limit_amount" in fields:
        amount = fields["report_limit_amount"]
        if amount is None or int(amount) <= 0:
            raise RuleViolation(
                gettext("The report limit must be greater than 0 (now %(value)s).") % {"value": amount},
                rule="limit_positive",
                field="report_limit_amount",
            )
    if "report_limit_unit" in fields and fields["report_limit_unit"] not in TimeLimitUnit.values:
        raise RuleViolation(gettext("Unknown time limit unit."), rule="limit_unit", field="report_limit_unit")
    return fields


def create_department(*, by, **fields: Any) -> Department:
    """Add a functional department (职能部门) serving an area (none: the whole platform)."""
    fields = _clean_department(dict(fields))
    _require_over_area(by, "service.add_department", fields.get("area"))
    with transaction.atomic():
        _check_code_free(Department, fields["code"])
        department = Department.objects.create(**fields)
        audit.record(
            AuditAction.CREATE, department, by=by, changes=audit.diff({}, audit.snapshot(department))
        )
    return department


def update_department(
    department: Department, *, by, expected_version: int | None = None, **fields: Any
) -> Department:
    """Edit a department; the user must hold the right over both its old and its new area.

    Refuses when someone else saved it since ``expected_version`` (the version the form showed).
    """
    fields = _clean_department(dict(fields))
    with transaction.atomic():
        current = (
            Department.objects.select_for_update(of=("self",)).select_related("area").get(pk=department.pk)
        )
        _require_over_area(by, "service.change_department", current.area)
        _check_version(current, expected_version, current.name)
        if "area" in fields:
            _require_over_area(by, "service.change_department", fields["area"])
        if "code" in fields:
            _check_code_free(Department, fields["code"], exclude_pk=current.pk)
        before = audit.snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        changes = audit.diff(before, audit.snapshot(current))
        if changes:
            current.version += 1
            current.save()
            audit.record(AuditAction.UPDATE, current, by=by, changes=changes)
    return current


def add_department_member(department: Department, *, user, by) -> DepartmentMember:
    """Let ``user`` act for the department (see and handle what is sent to it)."""
    with transaction.atomic():
        current = (
            Department.objects.select_for_update(of=("self",)).select_related("area").get(pk=department.pk)
        )
        _require_over_area(by, "service.add_departmentmember", current.area)
        if not user.is_active:
            raise RuleViolation(
                gettext("The account “%(name)s” is disabled.") % {"name": user.get_username()},
                rule="inactive_user",
                field="user",
            )
        if DepartmentMember.objects.filter(department=current, user=user).exists():
            raise RuleViolation(
                gettext("“%(name)s” is already a member of %(department)s.")
                % {"name": user.get_full_name() or user.get_username(), "department": current.name},
                rule="already_member",
                field="user",
            )
        membership = DepartmentMember.objects.create(department=current, user=user)
        audit.record(
            AuditAction.CREATE,
            current,
            by=by,
            changes={"member": [None, user.get_username()]},
            note=gettext("Department member added"),
        )
    return membership


def remove_department_member(membership: DepartmentMember, *, by) -> None:
    """End a user's membership of a department; requests already dispatched stay with the department."""
    with transaction.atomic():
        current = (
            DepartmentMember.objects.select_for_update(of=("self",))
            .select_related("department__area", "user")
            .filter(pk=membership.pk)
            .first()
        )
        if current is None:
            raise RuleViolation(gettext("This membership has already been removed."), rule="gone")
        _require_over_area(by, "service.change_departmentmember", current.department.area)
        username = current.user.get_username()
        department = current.department
        current.delete()
        audit.record(
            AuditAction.DELETE,
            department,
            by=by,
            changes={"member": [username, None]},
            note=gettext("Department member removed"),
        )
