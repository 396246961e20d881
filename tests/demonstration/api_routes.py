"""Permission table of the 示范点 API (/api/v1/demonstration); the same objects as ``routes.py``."""

from __future__ import annotations

from tests.demonstration.helpers import today
from tests.demonstration.routes import (
    ADMIN,
    APP_A,
    APP_B,
    EVIDENCE_A,
    EVIDENCE_B,
    GRID,
    POINT_A,
    POINT_B,
    POINT_ELSEWHERE,
    REVIEW_ITEM_A,
    REVIEW_ITEM_ELSEWHERE,
    REVIEWING_A,
    REVIEWING_ELSEWHERE,
    SET,
    SET_ELSEWHERE,
    SUBMITTED_A,
    SUBMITTED_ELSEWHERE,
    designation_a,
    district_set,
)
from tests.permissions import Route


def _id(kwargs):
    return lambda world: {"id": kwargs(world)["pk"]}


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", GRID)
    for key in ("in_scope", "out_of_scope"):
        if options.get(key) is not None:
            options[key] = _id(options[key])
    if options.get("persona") == ADMIN:
        options.setdefault("denied_persona", "secretary_a")
    return Route(name=f"api:{name}", **options)


def _admin(name: str, **options) -> Route:
    return _api(name, persona=ADMIN, denied_persona="secretary_a", **options)


def _recheck(world) -> dict:
    made = designation_a(world)
    return {
        "outcome": "keep",
        "checked_on": today().isoformat(),
        "results": [{"item_id": item.pk, "met": True} for item in made.standard_set.items.all()],
    }


ROUTES: list[Route] = [
    _api("demonstration_public_list", anonymous="public", denied_persona=None),
    _api("demonstration_set_list"),
    _api("demonstration_set_detail", in_scope=SET, out_of_scope=SET_ELSEWHERE),
    _api("demonstration_application_list"),
    _api(
        "demonstration_application_create",
        method="post",
        json=True,
        allowed_status=201,
        data=lambda world: {"org_id": world.org_a.pk, "standard_set_id": district_set(world).pk},
    ),
    _api("demonstration_application_detail", in_scope=APP_A, out_of_scope=APP_B),
    _api(
        "demonstration_evidence_update",
        method="patch",
        json=True,
        in_scope=EVIDENCE_A,
        out_of_scope=EVIDENCE_B,
        data=lambda world: {"text": "台账齐全", "version": 1},
    ),
    _api("demonstration_application_submit", method="post", json=True, in_scope=APP_A, out_of_scope=APP_B),
    _admin(
        "demonstration_application_start_review",
        method="post",
        json=True,
        in_scope=SUBMITTED_A,
        out_of_scope=SUBMITTED_ELSEWHERE,
    ),
    _admin(
        "demonstration_evidence_review",
        method="post",
        json=True,
        in_scope=REVIEW_ITEM_A,
        out_of_scope=REVIEW_ITEM_ELSEWHERE,
        data=lambda world: {"result": "met"},
    ),
    _admin(
        "demonstration_application_decide",
        method="post",
        json=True,
        in_scope=REVIEWING_A,
        out_of_scope=REVIEWING_ELSEWHERE,
        data=lambda world: {"decision": "reject", "reason": "材料不全"},
    ),
    _api("demonstration_designation_list"),
    _api("demonstration_designation_detail", in_scope=POINT_A, out_of_scope=POINT_B),
    _admin(
        "demonstration_recheck_create",
        method="post",
        json=True,
        allowed_status=201,
        in_scope=POINT_A,
        out_of_scope=POINT_ELSEWHERE,
        data=_recheck,
    ),
]
