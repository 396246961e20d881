"""Service requests through the grids (为民服务): categories, departments, routing, requests and their timeline.

A request sits in the area tree by the grid it happened in (``area_path``) and in the party
organization tree by the organization responsible for it (``org_path``, usually the community's
party organization) and by its current handler organization (``handler_org_path``). The paths are
copies of the nodes' paths so that lists and figures filter one indexed column instead of joining.
Departments (职能部门) are handlers outside both trees; their users see what is sent to them.

``configuration``: what administrators set up (departments, categories, routing, 好差评 levels,
Open311 keys); ``requests``: the requests, their timeline, photos, 吹哨 calls and the figures'
monthly roll-up.
"""

from __future__ import annotations

from dangjian.service.models.configuration import (
    SEEDED_RATING_LABELS,
    Category,
    Department,
    DepartmentMember,
    Open311Key,
    RatingLevel,
    RoutingRule,
)
from dangjian.service.models.requests import (
    FigureRollup,
    RatingAttempt,
    RatingProof,
    RequestEvent,
    RequestPhoto,
    ServiceRequest,
    ServiceRequestQuerySet,
    WhistleCall,
    request_search_tokens,
)

__all__ = [
    "SEEDED_RATING_LABELS",
    "Category",
    "Department",
    "DepartmentMember",
    "FigureRollup",
    "Open311Key",
    "RatingAttempt",
    "RatingLevel",
    "RatingProof",
    "RequestEvent",
    "RequestPhoto",
    "RoutingRule",
    "ServiceRequest",
    "ServiceRequestQuerySet",
    "WhistleCall",
    "request_search_tokens",
]
