"""Configuration pages of 为民服务: the category tree, the routing table with each rule's history,
and the departments with their members. Changes go through ``service.config_services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.core.page_permissions import require_any, run_service
from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.service import config_services
from dangjian.service.config_forms import (
    CategoryForm,
    DepartmentForm,
    DepartmentMemberForm,
    RoutingFilterForm,
    RoutingRuleForm,
)
from dangjian.service.models import Category, Department, DepartmentMember, RoutingRule

CATEGORIES_PER_PAGE = 100


def _may_over_area(user, permission: str, area) -> bool:
    scope = scope_of(user)
    if area is None:
        return scope.is_global
    return scope.has_perm(permission, area_path=area.path)


# --- categories -----------------------------------------------------------------------------------


@login_required
@require_safe
def category_list(request):
    """The category tree with each category's limit, mode, portal flag and default handler."""
    require_any(request.user, "service.view_category")
    categories = Category.objects.select_related(
        "default_handler_org", "default_handler_department"
    ).order_by("path")
    page = paginate(request, categories, per_page=CATEGORIES_PER_PAGE)
    scope = scope_of(request.user)
    return render(
        request,
        "service/config/category_list.html",
        {
            "page": page,
            "can_add": scope.has_any("service.add_category"),
            "can_change": scope.has_any("service.change_category"),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def category_create(request):
    require_any(request.user, "service.add_category")
    initial = {"limit_amount": 5, "is_public": True}
    parent_pk = request.GET.get("parent", "")
    if parent_pk.isdigit():
        initial["parent"] = int(parent_pk)
    form = CategoryForm(request.POST or None, user=request.user, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        created: list[Category] = []
        if run_service(
            form,
            lambda: created.append(
                config_services.create_category(
                    parent=form.cleaned_data.get("parent"), by=request.user, **form.service_fields()
                )
            ),
        ):
            messages.success(request, _("Category “%(name)s” created.") % {"name": created[0].name})
            return redirect("service:category_list")
    return render(request, "service/config/category_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def category_edit(request, pk: int):
    require_any(request.user, "service.change_category")
    category = get_object_or_404(Category.objects.select_related("default_handler_org"), pk=pk)
    form = CategoryForm(
        request.POST or None,
        user=request.user,
        creating=False,
        category=category,
        initial=CategoryForm.initial_for(category),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: config_services.update_category(
                category,
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
                **form.service_fields(),
            ),
        )
    ):
        messages.success(request, _("Category “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
        return redirect("service:category_list")
    return render(
        request, "service/config/category_form.html", {"form": form, "creating": False, "category": category}
    )


# --- routing --------------------------------------------------------------------------------------


@login_required
@require_safe
def routing_list(request):
    """The routing table (category × area → handler) in the user's scope, filtered."""
    require_any(request.user, "service.view_routingrule")
    rules = RoutingRule.objects.visible_to(request.user).select_related(
        "category", "area", "handler_org", "handler_department"
    )
    filters = RoutingFilterForm(request.GET or None, user=request.user)
    if filters.is_valid():
        if filters.cleaned_data.get("category"):
            rules = rules.filter(category__path__startswith=filters.cleaned_data["category"].path)
        if filters.cleaned_data.get("area"):
            rules = rules.filter(area__path__startswith=filters.cleaned_data["area"].path)
    page = paginate(request, rules.order_by("category__path", "area__path", "id"))
    scope = scope_of(request.user)
    for rule in page:
        rule.can_change = scope.has_perm("service.change_routingrule", area_path=rule.area.path)
    return render(
        request,
        "service/config/routing_list.html",
        {"page": page, "filters": filters, "can_add": scope.has_any("service.add_routingrule")},
    )


def _rule(request, pk: int, permission: str) -> RoutingRule:
    rule = get_object_or_404(
        RoutingRule.objects.visible_to(request.user).select_related(
            "category", "area", "handler_org", "handler_department"
        ),
        pk=pk,
    )
    if not scope_of(request.user).has_perm(permission, area_path=rule.area.path):
        raise PageForbidden(permission)
    return rule


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def routing_create(request):
    require_any(request.user, "service.add_routingrule")
    form = RoutingRuleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if RoutingRule.objects.filter(category=data["category"], area=data["area"]).exists():
            form.add_error(
                None,
                _("A rule for %(category)s in %(area)s already exists; edit that rule instead.")
                % {"category": data["category"].name, "area": data["area"].name},
            )
        else:
            created: list[RoutingRule] = []
            if run_service(
                form,
                lambda: created.append(
                    config_services.set_route(
                        category=data["category"],
                        area=data["area"],
                        handler_org=data.get("handler_org"),
                        handler_department=data.get("handler_department"),
                        by=request.user,
                    )
                ),
            ):
                messages.success(request, _("Routing rule “%(rule)s” saved.") % {"rule": created[0]})
                return redirect("service:routing_list")
    return render(request, "service/config/routing_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def routing_edit(request, pk: int):
    """Change a rule's handler, or stop it (``action=deactivate``); both are in its history."""
    rule = _rule(request, pk, "service.change_routingrule")
    initial = {
        "handler_org": rule.handler_org.code if rule.handler_org else "",
        "handler_department": rule.handler_department_id,
        "version": rule.version,
    }
    if request.method == "POST" and request.POST.get("action") == "deactivate":
        version = request.POST.get("version", "")
        if run_service(
            None,
            lambda: config_services.deactivate_route(
                rule, by=request.user, expected_version=int(version) if version.isdigit() else None
            ),
            request=request,
        ):
            messages.success(request, _("Routing rule “%(rule)s” deactivated.") % {"rule": rule})
        return redirect("service:routing_edit", pk=rule.pk)
    form = RoutingRuleForm(request.POST or None, user=request.user, rule=rule, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            form,
            lambda: config_services.set_route(
                category=rule.category,
                area=rule.area,
                handler_org=data.get("handler_org"),
                handler_department=data.get("handler_department"),
                expected_version=data.get("version"),
                by=request.user,
            ),
        ):
            messages.success(request, _("Routing rule “%(rule)s” saved.") % {"rule": rule})
            return redirect("service:routing_list")
    return render(
        request, "service/config/routing_form.html", {"form": form, "creating": False, "rule": rule}
    )


@login_required
@require_safe
def routing_history(request, pk: int):
    """A rule's changes, newest first, read from the audit log."""
    rule = _rule(request, pk, "service.view_routingrule")
    entries = AuditEntry.objects.filter(object_type="service.routingrule", object_id=str(rule.pk)).order_by(
        "-at", "-id"
    )
    page = paginate(request, entries)
    return render(request, "service/config/routing_history.html", {"rule": rule, "page": page})


# --- departments ----------------------------------------------------------------------------------


@login_required
@require_safe
def department_list(request):
    require_any(request.user, "service.view_department")
    departments = (
        Department.objects.visible_to(request.user)
        .select_related("area")
        .annotate(member_count=Count("memberships"))
        .order_by("code", "id")
    )
    page = paginate(request, departments)
    for department in page:
        department.can_change = _may_over_area(request.user, "service.change_department", department.area)
    return render(
        request,
        "service/config/department_list.html",
        {"page": page, "can_add": scope_of(request.user).has_any("service.add_department")},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def department_create(request):
    require_any(request.user, "service.add_department")
    form = DepartmentForm(request.POST or None, user=request.user, initial={"report_limit_amount": 1})
    if request.method == "POST" and form.is_valid():
        created: list[Department] = []
        if run_service(
            form,
            lambda: created.append(
                config_services.create_department(by=request.user, **form.service_fields())
            ),
        ):
            messages.success(request, _("Department “%(name)s” created.") % {"name": created[0].name})
            return redirect("service:department_edit", pk=created[0].pk)
    return render(request, "service/config/department_form.html", {"form": form, "creating": True})


def _department(request, pk: int, permission: str) -> Department:
    department = get_object_or_404(Department.objects.visible_to(request.user).select_related("area"), pk=pk)
    if not _may_over_area(request.user, permission, department.area):
        raise PageForbidden(permission)
    return department


def _department_page(request, department: Department, form, member_form, status: int = 200):
    members = list(
        DepartmentMember.objects.filter(department=department)
        .select_related("user")
        .order_by("user__username")
    )
    return render(
        request,
        "service/config/department_form.html",
        {
            "form": form,
            "member_form": member_form,
            "department": department,
            "members": members,
            "creating": False,
            "can_manage_members": _may_over_area(
                request.user, "service.add_departmentmember", department.area
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def department_edit(request, pk: int):
    department = _department(request, pk, "service.change_department")
    form = DepartmentForm(
        request.POST or None, user=request.user, initial=DepartmentForm.initial_for(department)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: config_services.update_department(
                department,
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
                **form.service_fields(),
            ),
        )
    ):
        messages.success(request, _("Department “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
        return redirect("service:department_list")
    return _department_page(request, department, form, DepartmentMemberForm())


@login_required
@require_POST
def department_member_add(request, pk: int):
    department = _department(request, pk, "service.add_departmentmember")
    member_form = DepartmentMemberForm(request.POST)
    if member_form.is_valid():
        user = get_user_model().objects.filter(username=member_form.cleaned_data["username"].strip()).first()
        if user is None:
            member_form.add_error(
                "username",
                _("No account has the username “%(name)s”.") % {"name": member_form.cleaned_data["username"]},
            )
        elif run_service(
            member_form, lambda: config_services.add_department_member(department, user=user, by=request.user)
        ):
            messages.success(
                request,
                _("%(name)s now handles requests for %(department)s.")
                % {"name": user.get_full_name() or user.get_username(), "department": department.name},
            )
            return redirect("service:department_edit", pk=department.pk)
    form = DepartmentForm(user=request.user, initial=DepartmentForm.initial_for(department))
    return _department_page(request, department, form, member_form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def department_member_remove(request, pk: int, member_pk: int):
    """Confirm, then end a user's membership of the department."""
    department = _department(request, pk, "service.change_departmentmember")
    membership = get_object_or_404(
        DepartmentMember.objects.select_related("user"), pk=member_pk, department=department
    )
    name = membership.user.get_full_name() or membership.user.get_username()
    if request.method == "POST":
        try:
            config_services.remove_department_member(membership, by=request.user)
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s no longer handles requests for %(department)s.")
                % {"name": name, "department": department.name},
            )
        return redirect("service:department_edit", pk=department.pk)
    return render(
        request,
        "service/config/department_member_remove.html",
        {
            "department": department,
            "membership": membership,
            "name": name,
            "cancel_url": reverse("service:department_edit", kwargs={"pk": department.pk}),
        },
    )
