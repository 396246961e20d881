"""Pages of the two trees: the tree browser, lists, node pages, forms, history and committees.

Organizations and areas share one set of views, told apart by a ``TreeConfig`` passed from
``page_urls``; every queryset goes through ``visible_to(user)`` and every change through
``orgs.services``. Each page costs a fixed number of queries, whatever the size of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Length, Substr
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry, Person
from dangjian.core.page_permissions import allowed, require
from dangjian.core.pagination import MAX_OFFSET, paginate
from dangjian.core.registry import render_panels
from dangjian.core.scoping import scope_of
from dangjian.core.tree import PATH_STEP, TreeNode
from dangjian.orgs import services
from dangjian.orgs.choices import AREA_CHILD_KIND, BRANCH_KINDS, AreaKind, OrgKind
from dangjian.orgs.filters import AreaFilterSet, OrganizationFilterSet
from dangjian.orgs.forms import (
    AreaForm,
    CommitteeForm,
    DeactivateForm,
    MoveForm,
    OrganizationForm,
    SeatEndForm,
    SeatForm,
    allowed_area_kinds,
    allowed_org_kinds,
)
from dangjian.orgs.models import Area, Committee, CommitteeMember, Organization
from dangjian.orgs.warnings import ROLE_RANK, current_committee, due_elections, structural_warnings

# Children shown per expand in the tree browser; a "more" link loads the next batch.
CHILDREN_BATCH = 100
# Rows of the 换届 reminder box on a node page; the full list has its own page.
DUE_PREVIEW = 10
# Candidates offered by a search box (move target, jurisdiction, committee member).
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class TreeConfig:
    """What differs between the organization pages and the area pages."""

    model: type[TreeNode]
    prefix: str  # "org" or "area": URL names are orgs:<prefix>_<action>
    filterset: type
    form: type
    select: tuple[str, ...]

    def url(self, action: str) -> str:
        return f"orgs:{self.prefix}_{action}"

    def urls(self) -> dict[str, str]:
        actions = [
            "tree",
            "children",
            "list",
            "detail",
            "create",
            "edit",
            "move",
            "deactivate",
            "reactivate",
            "history",
        ]
        return {action: self.url(action) for action in actions}

    def perm(self, action: str) -> str:
        return f"orgs.{action}_{self.model._meta.model_name}"

    def visible(self, user):
        return self.model.objects.visible_to(user).select_related(*self.select)


ORGS = TreeConfig(Organization, "org", OrganizationFilterSet, OrganizationForm, ("jurisdiction",))
AREAS = TreeConfig(Area, "area", AreaFilterSet, AreaForm, ())


def _node(request, config: TreeConfig, pk: int) -> TreeNode:
    return get_object_or_404(config.visible(request.user), pk=pk)


def _visible_ancestors(config: TreeConfig, user, nodes) -> dict[str, list[TreeNode]]:
    """Each node's ancestors inside the user's scope, from the top, in one query for all nodes."""
    wanted: set[str] = set()
    for node in nodes:
        wanted.update(node.path[:end] for end in range(PATH_STEP, len(node.path), PATH_STEP))
    if not wanted:
        return {node.path: [] for node in nodes}
    found = {
        ancestor.path: ancestor
        for ancestor in config.model.objects.visible_to(user)
        .filter(path__in=wanted)
        .only("pk", "name", "path")
    }
    return {
        node.path: [
            found[node.path[:end]]
            for end in range(PATH_STEP, len(node.path), PATH_STEP)
            if node.path[:end] in found
        ]
        for node in nodes
    }


def _scope_roots(config: TreeConfig, user):
    """The top-most nodes the user can see: real roots for a global user, else nodes whose
    parent is outside the scope (one query with an indexed lookup per candidate)."""
    if scope_of(user).is_global:
        return config.model.objects.filter(depth=1)
    visible = config.model.objects.visible_to(user)
    parent_visible = visible.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - PATH_STEP)
    ).values("pk")
    return visible.filter(~Exists(parent_visible))


def _children(config: TreeConfig, user, node: TreeNode):
    return config.visible(user).filter(path__startswith=node.path, depth=node.depth + 1)


def _batch(queryset, offset: int) -> tuple[list, bool]:
    rows = list(queryset[offset : offset + CHILDREN_BATCH + 1])
    return rows[:CHILDREN_BATCH], len(rows) > CHILDREN_BATCH


# --- Browsing ----------------------------------------------------------------------------------


@login_required
@require_GET
def tree(request, config: TreeConfig):
    """The collapsible tree from the user's scope roots, or search results with their paths."""
    filterset = config.filterset(request.GET or None, queryset=config.visible(request.user))
    query = (request.GET.get("q") or "").strip()
    context = {"config": config, "urls": config.urls(), "filterset": filterset, "query": query}
    if query:
        page = paginate(request, filterset.qs)
        ancestors = _visible_ancestors(config, request.user, page.object_list)
        context["results"] = [(node, ancestors[node.path]) for node in page]
        context["page"] = page
    else:
        page = paginate(request, _scope_roots(config, request.user).select_related(*config.select))
        context["page"] = page
        # A single root (a secretary's own community) opens at once with its children.
        if len(page.object_list) == 1 and page.object_list[0].numchild:
            root = page.object_list[0]
            rows, more = _batch(_children(config, request.user, root), 0)
            context.update(open_root=root, open_children=rows, open_more=more, batch=CHILDREN_BATCH)
    return render(request, "orgs/tree.html", context)


@login_required
@require_GET
def children(request, pk: int, config: TreeConfig):
    """The htmx fragment of one node's children (a bounded batch; "more" loads the next)."""
    node = _node(request, config, pk)
    try:
        offset = min(max(int(request.GET.get("offset", 0)), 0), MAX_OFFSET)
    except ValueError:
        offset = 0
    rows, more = _batch(_children(config, request.user, node), offset)
    return render(
        request,
        "orgs/_children.html",
        {
            "config": config,
            "urls": config.urls(),
            "parent": node,
            "nodes": rows,
            "more": more,
            "next_offset": offset + CHILDREN_BATCH,
            "first_batch": offset == 0,
        },
    )


@login_required
@require_GET
def node_list(request, config: TreeConfig):
    """A flat, filtered, paginated list of nodes (by kind, field, state, parent, search text)."""
    filterset = config.filterset(request.GET or None, queryset=config.visible(request.user))
    page = paginate(request, filterset.qs)
    return render(
        request,
        "orgs/list.html",
        {"config": config, "urls": config.urls(), "filterset": filterset, "page": page},
    )


def _actions(config: TreeConfig, user, node: TreeNode) -> dict[str, bool]:
    can_change = allowed(user, config.perm("change"), node)
    kinds = allowed_org_kinds(node) if config.model is Organization else allowed_area_kinds(node)
    return {
        "add": node.is_active and bool(kinds) and allowed(user, config.perm("add"), node),
        "change": can_change,
        "move": can_change and node.depth > 1,
        "deactivate": can_change and node.is_active,
        "reactivate": can_change and not node.is_active,
        "history": can_change or allowed(user, "core.view_auditentry", node),
        "elect": config.model is Organization
        and node.is_active
        and node.kind != OrgKind.GROUP
        and allowed(user, "orgs.add_committee", node),
    }


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


def _lookup_text(request) -> str:
    """The typed text: ``q``, or the one parameter htmx sends under the field's own name."""
    text = request.GET.get("q") or next((value for value in request.GET.values() if value), "")
    return text.strip()[:50]


@login_required
@require_GET
def area_lookup(request):
    """``<option>``s of areas matching the typed name or code (``orgs.widgets.LookupInput``)."""
    text = _lookup_text(request)
    areas = []
    if text:
        areas = list(Area.objects.visible_to(request.user).filter(is_active=True).search(text)[:SEARCH_LIMIT])
    return render(request, "orgs/_area_options.html", {"areas": areas})


@login_required
@require_GET
def org_lookup(request):
    """``<option>``s of active organizations in scope matching the typed name, code or pinyin."""
    text = _lookup_text(request)
    orgs = []
    if text:
        orgs = list(
            Organization.objects.visible_to(request.user)
            .filter(is_active=True)
            .search(text)
            .only("pk", "name", "code")[:SEARCH_LIMIT]
        )
    return render(request, "orgs/_org_options.html", {"orgs": orgs})


# --- Changing the trees --------------------------------------------------------------------------


def _form_context(config: TreeConfig, node: TreeNode, form, **extra) -> dict:
    return {"config": config, "urls": config.urls(), "node": node, "form": form, **extra}


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
    for name, values in (changes or {}).items():
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a field since removed, or a pseudo-field such as "parent"
            label = {"parent": _("Parent")}.get(name, name)
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


# --- Committees ----------------------------------------------------------------------------------


def _committees(user):
    return Committee.objects.filter(org__in=Organization.objects.visible_to(user)).select_related(
        "org__jurisdiction"
    )


@login_required
def committee_create(request, pk: int):
    """Record a newly elected committee of org ``pk`` (换届); the previous one becomes history."""
    org = _node(request, ORGS, pk)
    require(request.user, "orgs.add_committee", org)
    form = CommitteeForm(
        request.POST or None,
        initial={"term_years": org.default_term_years, "elected_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.elect_committee(org, by=request.user, **form.cleaned_data)
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The new committee is recorded; now add its members."))
            return redirect("orgs:committee_detail", pk=committee.pk)
    return render(
        request,
        "orgs/committee_form.html",
        {
            "config": ORGS,
            "urls": ORGS.urls(),
            "node": org,
            "form": form,
            "ancestors": _visible_ancestors(ORGS, request.user, [org])[org.path],
            "previous": Committee.objects.filter(org=org, is_current=True).first(),
        },
    )


@login_required
@require_GET
def committee_detail(request, pk: int):
    seats = CommitteeMember.objects.select_related("person").order_by("ended_on", "role", "id")
    committee = get_object_or_404(
        _committees(request.user).prefetch_related(Prefetch("seats", queryset=seats)), pk=pk
    )
    org = committee.org
    can_change = committee.is_current and allowed(request.user, "orgs.change_committee", committee)
    return render(
        request,
        "orgs/committee_detail.html",
        {
            "config": ORGS,
            "urls": ORGS.urls(),
            "node": org,
            "committee": committee,
            "seats": sorted(
                committee.seats.all(),
                key=lambda seat: (seat.ended_on is not None, ROLE_RANK.get(seat.role, 99), seat.pk),
            ),
            "can_change": can_change,
            "ancestors": [*_visible_ancestors(ORGS, request.user, [org])[org.path], org],
            "today": timezone.localdate(),
        },
    )


@login_required
def committee_seat_add(request, pk: int):
    """Seat a person (found by search among the members of the org's subtree) on the committee."""
    user = request.user
    committee = get_object_or_404(_committees(user), pk=pk)
    require(user, "orgs.change_committee", committee)
    org = committee.org
    people = Person.objects.visible_to(user)
    form = SeatForm(request.POST or None, people=people, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.add_committee_seat(committee, by=user, **form.cleaned_data)
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("%(person)s joined the committee as %(role)s.")
                % {"person": seat.person.name, "role": seat.get_role_display()},
            )
            return redirect("orgs:committee_detail", pk=committee.pk)
    query = (request.GET.get("q") or "").strip()
    candidates = []
    if query:
        candidates = list(
            people.search(query)
            .filter(membership__org__path__startswith=org.path, membership__is_active=True)
            .select_related("membership__org")[:SEARCH_LIMIT]
        )
    elif request.method == "POST" and form.data.get("person"):
        candidates = list(
            people.filter(pk=form.data.get("person")).select_related("membership__org")[:1]
            if str(form.data.get("person")).isdigit()
            else []
        )
    return render(
        request,
        "orgs/committee_seat_form.html",
        {
            "config": ORGS,
            "urls": ORGS.urls(),
            "node": org,
            "committee": committee,
            "form": form,
            "query": query,
            "options": [
                (
                    person.pk,
                    person.name,
                    f"{person.membership.org.name} · {person.membership.get_status_display()}",
                )
                for person in candidates
            ],
            "chosen": str(form.data.get("person", "")),
            "ancestors": [*_visible_ancestors(ORGS, user, [org])[org.path], org],
        },
    )


@login_required
def committee_seat_end(request, pk: int):
    """End a committee member's seat (confirmation with the end date and a reason)."""
    user = request.user
    seat = get_object_or_404(
        CommitteeMember.objects.filter(committee__in=_committees(user)).select_related(
            "person", "committee__org__jurisdiction"
        ),
        pk=pk,
    )
    require(user, "orgs.change_committee", seat)
    form = SeatEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_committee_seat(
                seat, by=user, ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"]
            )
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The seat of %(person)s has ended.") % {"person": seat.person.name})
            return redirect("orgs:committee_detail", pk=seat.committee_id)
    org = seat.committee.org
    return render(
        request,
        "orgs/committee_seat_end.html",
        {
            "config": ORGS,
            "urls": ORGS.urls(),
            "node": org,
            "seat": seat,
            "form": form,
            "ancestors": [*_visible_ancestors(ORGS, user, [org])[org.path], org],
        },
    )
