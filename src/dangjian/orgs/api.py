"""API of the two trees at /api/v1/orgs/: party organizations and areas.

Lists go through the same FilterSets as the pages and ``visible_to(user)``; every change goes
through the same service functions as the pages, so permission checks and audit lines are
shared. A node outside the caller's scope answers 404, as if it did not exist.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.errors import ValidationError

from dangjian.core.tree import TreeNode
from dangjian.orgs import services
from dangjian.orgs.filters import AreaFilterSet, OrganizationFilterSet
from dangjian.orgs.models import Area, Organization
from dangjian.orgs.schemas import (
    AreaCreate,
    AreaListParams,
    AreaOut,
    AreaPage,
    AreaUpdate,
    DeactivateIn,
    ListParams,
    MoveIn,
    OrganizationCreate,
    OrganizationListParams,
    OrganizationOut,
    OrganizationPage,
    OrganizationUpdate,
)

router = Router(tags=["orgs"])

# Fields that may be cleared with null; any other field sent as null is left unchanged.
NULLABLE_FIELDS = {"jurisdiction", "established_on", "boundary"}


def _with_parent_ids(model: type[TreeNode], nodes: list[TreeNode]) -> list[TreeNode]:
    """Set ``parent_id`` on each node, looking every parent up in one query by path."""
    step = model.steplen
    parent_paths = {node.path[:-step] for node in nodes if node.depth > 1}
    ids = dict(model.objects.filter(path__in=parent_paths).values_list("path", "pk")) if parent_paths else {}
    for node in nodes:
        node.parent_id = ids.get(node.path[:-step]) if node.depth > 1 else None
    return nodes


def _list(request: HttpRequest, model: type[TreeNode], filterset_class, params: ListParams) -> dict:
    """One page of the visible nodes in path order, and the cursor of the next page (no COUNT)."""
    data = {
        name: (value.value if isinstance(value, Enum) else value)
        for name, value in params.model_dump(exclude={"limit", "after"}).items()
        if value is not None
    }
    filterset = filterset_class(data=data, queryset=model.objects.visible_to(request.user))
    if not filterset.is_valid():
        raise ValidationError(
            [
                {"loc": ["query", name], "msg": " ".join(str(message) for message in messages)}
                for name, messages in filterset.errors.items()
            ]
        )
    queryset = filterset.qs.order_by("path")
    if params.after:
        queryset = queryset.filter(path__gt=params.after)
    rows = list(queryset[: params.limit + 1])
    has_next = len(rows) > params.limit
    rows = rows[: params.limit]
    return {
        "items": _with_parent_ids(model, rows),
        "next": rows[-1].path if has_next else None,
    }


def _visible(request: HttpRequest, model: type[TreeNode], pk: int) -> TreeNode:
    return get_object_or_404(model.objects.visible_to(request.user), pk=pk)


def _detail(model: type[TreeNode], node: TreeNode) -> TreeNode:
    return _with_parent_ids(model, [node])[0]


def _fields(request: HttpRequest, payload: dict[str, Any]) -> dict[str, Any]:
    """Service keyword arguments from a request body: enums to codes, ids to visible objects."""
    fields: dict[str, Any] = {}
    for name, value in payload.items():
        if name == "jurisdiction_id":
            name = "jurisdiction"
            value = _visible(request, Area, value) if value is not None else None
        if value is None and name not in NULLABLE_FIELDS:
            continue
        fields[name] = value.value if isinstance(value, Enum) else value
    return fields


def _create(request: HttpRequest, model: type[TreeNode], payload) -> TreeNode:
    body = payload.model_dump()
    parent_id = body.pop("parent_id")
    parent = _visible(request, model, parent_id) if parent_id is not None else None
    node = services.create_node(model, parent=parent, by=request.user, **_fields(request, body))
    return _detail(model, node)


def _update(request: HttpRequest, model: type[TreeNode], pk: int, payload) -> TreeNode:
    node = _visible(request, model, pk)
    body = payload.model_dump(exclude_unset=True)
    version = body.pop("version")
    node = services.update_node(node, by=request.user, expected_version=version, **_fields(request, body))
    return _detail(model, node)


def _move(request: HttpRequest, model: type[TreeNode], pk: int, payload: MoveIn) -> TreeNode:
    node = _visible(request, model, pk)
    target = _visible(request, model, payload.parent_id)
    node = services.move_node(node, new_parent=target, by=request.user)
    return _detail(model, node)


def _deactivate(request: HttpRequest, model: type[TreeNode], pk: int, payload: DeactivateIn) -> TreeNode:
    node = _visible(request, model, pk)
    node = services.deactivate_node(node, by=request.user, reason=payload.reason)
    return _detail(model, node)


def _reactivate(request: HttpRequest, model: type[TreeNode], pk: int) -> TreeNode:
    node = _visible(request, model, pk)
    node = services.reactivate_node(node, by=request.user)
    return _detail(model, node)


# --- Party organizations ---------------------------------------------------------------------


@router.get("/organizations", response=OrganizationPage, url_name="org_list")
def org_list(request: HttpRequest, params: Query[OrganizationListParams]) -> dict:
    """Organizations in the caller's scope, in tree order, one page at a time."""
    return _list(request, Organization, OrganizationFilterSet, params)


@router.post("/organizations", response={201: OrganizationOut}, url_name="org_create")
def org_create(request: HttpRequest, payload: OrganizationCreate) -> Status:
    """Create an organization under ``parent_id`` (audited, checked against the tree's rules)."""
    return Status(201, _create(request, Organization, payload))


@router.get("/organizations/{id:id}", response=OrganizationOut, url_name="org_detail")
def org_detail(request: HttpRequest, id: int) -> TreeNode:
    return _detail(Organization, _visible(request, Organization, id))


@router.patch("/organizations/{id:id}", response=OrganizationOut, url_name="org_update")
def org_update(request: HttpRequest, id: int, payload: OrganizationUpdate) -> TreeNode:
    """Change the fields sent; answers 409 when ``version`` is not the current one."""
    return _update(request, Organization, id, payload)


@router.post("/organizations/{id:id}/move", response=OrganizationOut, url_name="org_move")
def org_move(request: HttpRequest, id: int, payload: MoveIn) -> TreeNode:
    """Move the organization with its whole subtree under ``parent_id``."""
    return _move(request, Organization, id, payload)


@router.post("/organizations/{id:id}/deactivate", response=OrganizationOut, url_name="org_deactivate")
def org_deactivate(request: HttpRequest, id: int, payload: DeactivateIn | None = None) -> TreeNode:
    """Deactivate (never delete): refused while it has active children or members."""
    return _deactivate(request, Organization, id, payload or DeactivateIn())


@router.post("/organizations/{id:id}/reactivate", response=OrganizationOut, url_name="org_reactivate")
def org_reactivate(request: HttpRequest, id: int) -> TreeNode:
    return _reactivate(request, Organization, id)


# --- Areas (区 → 街道 → 社区 → 网格 → 楼栋) ------------------------------------------------------


@router.get("/areas", response=AreaPage, url_name="area_list")
def area_list(request: HttpRequest, params: Query[AreaListParams]) -> dict:
    """Areas in the caller's scope, in tree order, one page at a time."""
    return _list(request, Area, AreaFilterSet, params)


@router.post("/areas", response={201: AreaOut}, url_name="area_create")
def area_create(request: HttpRequest, payload: AreaCreate) -> Status:
    """Create an area under ``parent_id``; its kind must be the next level down."""
    return Status(201, _create(request, Area, payload))


@router.get("/areas/{id:id}", response=AreaOut, url_name="area_detail")
def area_detail(request: HttpRequest, id: int) -> TreeNode:
    return _detail(Area, _visible(request, Area, id))


@router.patch("/areas/{id:id}", response=AreaOut, url_name="area_update")
def area_update(request: HttpRequest, id: int, payload: AreaUpdate) -> TreeNode:
    """Change the fields sent; answers 409 when ``version`` is not the current one."""
    return _update(request, Area, id, payload)


@router.post("/areas/{id:id}/move", response=AreaOut, url_name="area_move")
def area_move(request: HttpRequest, id: int, payload: MoveIn) -> TreeNode:
    """Move the area with its whole subtree under ``parent_id``."""
    return _move(request, Area, id, payload)


@router.post("/areas/{id:id}/deactivate", response=AreaOut, url_name="area_deactivate")
def area_deactivate(request: HttpRequest, id: int, payload: DeactivateIn | None = None) -> TreeNode:
    """Deactivate (never delete): refused while it has active children."""
    return _deactivate(request, Area, id, payload or DeactivateIn())


@router.post("/areas/{id:id}/reactivate", response=AreaOut, url_name="area_reactivate")
def area_reactivate(request: HttpRequest, id: int) -> TreeNode:
    return _reactivate(request, Area, id)
