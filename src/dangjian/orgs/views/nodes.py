"""A node's pages: an organization's or an area's detail page (with the panels apps contribute),
the 换届 reminders, and the forms that change the trees (add, edit, move, deactivate) and the history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Substr
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.core.page_permissions import allowed, require
from dangjian.core.pagination import paginate
from dangjian.core.registry import render_panels
from dangjian.core.tree import PATH_STEP, TreeNode
from dangjian.orgs import services
from dangjian.orgs.choices import AREA_CHILD_KIND, BRANCH_KINDS, AreaKind, OrgKind
from dangjian.orgs.forms import (
    DeactivateForm,
    MoveForm,
)
from dangjian.orgs.models import Area, Committee, Organization
from dangjian.orgs.views.common import (
    AREAS,
    DUE_PREVIEW,
    ORGS,
    SEARCH_LIMIT,
    TreeConfig,
    _actions,
    _children,
    _form_context,
    _node,
    _visible_ancestors,
)
from dangjian.orgs.warnings import current_committee, due_elections, structural_warnings


@login_required
@require_GET
def org_detail(request, pk: int):
    """A party organization: place, fields, counts, warnings, committee, 换届 reminders, children."""
    user = request.user
    org = _node(request, ORGS, pk)
    subtree = Organization.objects.visible_to(user).filter(path__startswith=org.path)
    counts = subtree.exclude(pk=org.pk).aggregate(
        descendants=Count("pk"), inactive=Count("pk", filter=Q(is_active=False))
    )
    committee = current_committee(org)
    context = {
        "config": ORGS,
        "urls": ORGS.urls(),
        "node": org,
        "ancestors": _visible_ancestors(ORGS, user, [org])[org.path],
        "page": paginate(request, _children(ORGS, user, org)),
        "counts": counts,
        # What apps above orgs show here (members: the subtree's full and probationary members).
        "panels": render_panels("org_panels", org, request),
        "committee": committee,
        "warnings": structural_warnings(org, committee=committee),
        "actions": _actions(ORGS, user, org),
        "today": timezone.localdate(),
        "jurisdiction_visible": org.jurisdiction_id is not None
        and Area.objects.visible_to(user).filter(pk=org.jurisdiction_id).exists(),
    }
    if org.kind not in BRANCH_KINDS and org.kind != OrgKind.GROUP and org.numchild:
        due = list(_due_queryset(user, org)[: DUE_PREVIEW + 1])
        context.update(due=due[:DUE_PREVIEW], due_more=len(due) > DUE_PREVIEW, show_due=True)
    return render(request, "orgs/org_detail.html", context)


def _due_queryset(user, org: Organization):
    current = Prefetch(
        "committees", queryset=Committee.objects.filter(is_current=True), to_attr="current_committees"
    )
    subtree = Organization.objects.visible_to(user).filter(path__startswith=org.path).exclude(pk=org.pk)
    return due_elections(subtree, today=timezone.localdate()).prefetch_related(current)


@login_required
@require_GET
def org_elections(request, pk: int):
    """All organizations under ``pk`` whose committee term ends within 90 days or is overdue."""
    org = _node(request, ORGS, pk)
    page = paginate(request, _due_queryset(request.user, org))
    return render(
        request,
        "orgs/org_elections.html",
        {
            "config": ORGS,
            "urls": ORGS.urls(),
            "node": org,
            "ancestors": _visible_ancestors(ORGS, request.user, [org])[org.path],
            "page": page,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def area_detail(request, pk: int):
    """An area: place, fields, residents and grid workers of its subtree, organizations, children."""
    user = request.user
    area = _node(request, AREAS, pk)
    subtree = Area.objects.visible_to(user).filter(path__startswith=area.path)
    counts = subtree.aggregate(
        descendants=Count("pk", filter=~Q(pk=area.pk)),
        grids=Count("pk", filter=Q(kind=AreaKind.GRID)),
        buildings=Count("pk", filter=Q(kind=AreaKind.BUILDING)),
        residents=Sum("resident_count"),
    )
    orgs = list(Organization.objects.visible_to(user).filter(jurisdiction=area)[:SEARCH_LIMIT])
    page = paginate(request, _children(AREAS, user, area))
    # Residents live in buildings, so a child's own count is mostly 0: show each child's
    # subtree total, summed for all children in one grouped query.
    child_prefix = Substr("path", 1, (area.depth + 1) * PATH_STEP)
    totals = dict(
        subtree.filter(depth__gt=area.depth)
        .annotate(child_path=child_prefix)
        .values("child_path")
        .annotate(total=Sum("resident_count"))
        .values_list("child_path", "total")
        .order_by()
    )
    for child in page:
        child.subtree_residents = totals.get(child.path, 0)
    context = {
        "config": AREAS,
        "urls": AREAS.urls(),
        "node": area,
        "ancestors": _visible_ancestors(AREAS, user, [area])[area.path],
        "page": page,
        "counts": counts,
        # What apps above orgs show here (members: the subtree's grid workers).
        "panels": render_panels("area_panels", area, request),
        "organizations": orgs,
        "actions": _actions(AREAS, user, area),
        "child_kind": AREA_CHILD_KIND.get(area.kind),
    }
    return render(request, "orgs/area_detail.html", context)


@login_required
def node_create(request, pk: int, config: TreeConfig):
    """Add a child under node ``pk``."""
    parent = _node(request, config, pk)
    require(request.user, config.perm("add"), parent)
    form = config.form(request.POST or None, parent=parent, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            node = services.create_node(config.model, parent=parent, by=request.user, **form.service_fields())
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Created “%(name)s”.") % {"name": node.name})
            return redirect(config.url("detail"), pk=node.pk)
    ancestors = _visible_ancestors(config, request.user, [parent])[parent.path]
    return render(
        request,
        "orgs/node_form.html",
        _form_context(config, parent, form, ancestors=[*ancestors, parent], creating=True),
    )


@login_required
def node_edit(request, pk: int, config: TreeConfig):
    """Edit a node's fields; the form carries the version it was loaded at (optimistic locking)."""
    node = _node(request, config, pk)
    require(request.user, config.perm("change"), node)
    form = config.form(request.POST or None, instance=node, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            node = services.update_node(
                node,
                by=request.user,
                expected_version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
        except RuleViolation as error:
            # A stale version keeps the user's input on the page with the message above it.
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved “%(name)s”.") % {"name": node.name})
            return redirect(config.url("detail"), pk=node.pk)
    ancestors = _visible_ancestors(config, request.user, [node])[node.path]
    return render(
        request, "orgs/node_form.html", _form_context(config, node, form, ancestors=ancestors, creating=False)
    )


def _move_targets(config: TreeConfig, user, node: TreeNode, text: str):
    targets = (
        config.visible(user)
        .filter(is_active=True)
        .exclude(path__startswith=node.path)
        .exclude(path=node.path[:-PATH_STEP] or None)
    )
    if config.model is Area:
        parent_kinds = [parent for parent, child in AREA_CHILD_KIND.items() if child == node.kind]
        targets = targets.filter(kind__in=parent_kinds)
    elif node.kind == OrgKind.GROUP:
        targets = targets.filter(kind__in=[*BRANCH_KINDS, OrgKind.GENERAL_BRANCH])
    else:
        targets = targets.exclude(kind__in=[*BRANCH_KINDS, OrgKind.GROUP])
    return targets.search(text)[:SEARCH_LIMIT] if text else []


@login_required
def node_move(request, pk: int, config: TreeConfig):
    """Move a node with its whole subtree under a new parent found by search."""
    user = request.user
    node = _node(request, config, pk)
    require(user, config.perm("change"), node)
    form = MoveForm(request.POST or None, queryset=config.model.objects.visible_to(user))
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.move_node(node, new_parent=form.cleaned_data["parent"], by=user)
        except RuleViolation as error:
            form.add_error("parent" if error.field == "parent" else None, error.message)
        else:
            messages.success(
                request,
                _("Moved “%(name)s” under “%(parent)s”.")
                % {"name": moved.name, "parent": form.cleaned_data["parent"].name},
            )
            return redirect(config.url("detail"), pk=moved.pk)
    query = (request.GET.get("q") or "").strip()
    targets = list(_move_targets(config, user, node, query))
    target_paths = _visible_ancestors(config, user, targets)
    return render(
        request,
        "orgs/node_move.html",
        _form_context(
            config,
            node,
            form,
            ancestors=_visible_ancestors(config, user, [node])[node.path],
            moving_along=config.model.objects.filter(path__startswith=node.path).count() - 1,
            query=query,
            targets=[(target, target_paths[target.path]) for target in targets],
        ),
    )


@login_required
def node_deactivate(request, pk: int, config: TreeConfig):
    """Confirm and deactivate a node (never deleted: it has history)."""
    node = _node(request, config, pk)
    require(request.user, config.perm("change"), node)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deactivate_node(node, by=request.user, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Deactivated “%(name)s”.") % {"name": node.name})
            return redirect(config.url("detail"), pk=node.pk)
    return render(
        request,
        "orgs/node_deactivate.html",
        _form_context(
            config, node, form, ancestors=_visible_ancestors(config, request.user, [node])[node.path]
        ),
    )


@login_required
def node_reactivate(request, pk: int, config: TreeConfig):
    node = _node(request, config, pk)
    require(request.user, config.perm("change"), node)
    error_message = ""
    if request.method == "POST":
        try:
            services.reactivate_node(node, by=request.user)
        except RuleViolation as error:
            error_message = error.message
        else:
            messages.success(request, _("Reactivated “%(name)s”.") % {"name": node.name})
            return redirect(config.url("detail"), pk=node.pk)
    return render(
        request,
        "orgs/node_reactivate.html",
        {
            "config": config,
            "urls": config.urls(),
            "node": node,
            "error_message": error_message,
            "ancestors": _visible_ancestors(config, request.user, [node])[node.path],
        },
    )


def _change_rows(model, changes: dict) -> list[tuple[str, object, object]]:
    """``(field label, old, new)`` for an audit line's changes, labelled in the user's language."""
    rows = []
    pseudo_fields = {"parent": _("Parent"), "residents": _("Residents viewed")}
    for name, values in (changes or {}).items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field since removed, or a pseudo-field such as "parent"
            field = None
        # A reverse relation has no verbose_name: the household list's audit line of a grid names
        # "residents", which is also Area's reverse relation to Resident (it answered 500 here).
        verbose_name = getattr(field, "verbose_name", None)
        label = str(verbose_name) if verbose_name is not None else str(pseudo_fields.get(name, name))
        old, new = ([*values, None, None])[:2] if isinstance(values, list) else (None, values)
        rows.append((label, old, new))
    return rows


@login_required
@require_GET
def node_history(request, pk: int, config: TreeConfig):
    """The audit lines of one node, newest first."""
    node = _node(request, config, pk)
    if not allowed(request.user, "core.view_auditentry", node):
        require(request.user, config.perm("change"), node)  # editors see the history of what they edit
    entries = AuditEntry.objects.filter(object_type=config.model._meta.label_lower, object_id=str(node.pk))
    page = paginate(request, entries.order_by("-at", "-id"))
    return render(
        request,
        "orgs/node_history.html",
        {
            "config": config,
            "urls": config.urls(),
            "node": node,
            "page": page,
            "ancestors": _visible_ancestors(config, request.user, [node])[node.path],
            "rows": [(entry, _change_rows(config.model, entry.changes)) for entry in page],
        },
    )
