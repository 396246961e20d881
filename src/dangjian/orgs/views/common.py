"""What the tree pages share: the ``TreeConfig`` telling organization pages from area pages, and
the helpers every page uses (the node or 404, its visible ancestors, its children, its actions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.shortcuts import get_object_or_404

from dangjian.core.page_permissions import allowed
from dangjian.core.scoping import scope_of
from dangjian.core.tree import PATH_STEP, TreeNode
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.filters import AreaFilterSet, OrganizationFilterSet
from dangjian.orgs.forms import (
    AreaForm,
    OrganizationForm,
    allowed_area_kinds,
    allowed_org_kinds,
)
from dangjian.orgs.models import Area, Organization

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


def _lookup_text(request) -> str:
    """The typed text: ``q``, or the one parameter htmx sends under the field's own name."""
    text = request.GET.get("q") or next((value for value in request.GET.values() if value), "")
    return text.strip()[:50]


def _form_context(config: TreeConfig, node: TreeNode, form, **extra) -> dict:
    return {"config": config, "urls": config.urls(), "node": node, "form": form, **extra}
