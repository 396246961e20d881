"""Permission table of the 示范点 pages.

Applicant pages: secretary_a (社区A党委) on 社区A's application; 社区B's is out of her scope.
Review, designation, re-check and standard-set management: district_admin (the district's
organization department) on 社区A's records; the out-of-scope object lies in another district;
secretary_a, who may read 社区A's application but not review it, is the denied persona.
"""

from __future__ import annotations

from dangjian.demonstration.choices import ApplicationState
from tests.demonstration.helpers import (
    app_a,
    app_b,
    app_elsewhere,
    designation_a,
    designation_b,
    designation_elsewhere,
    district_set,
    draft_set,
    evidence_file,
    evidence_of,
    other_set,
    today,
)
from tests.permissions import Route

GRID = "grid_worker_a"  # holds no demonstration permission
ADMIN = "district_admin"
SUBMITTED, UNDER_REVIEW = ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW

APP_A = lambda world: {"pk": app_a(world).pk}  # noqa: E731
APP_B = lambda world: {"pk": app_b(world).pk}  # noqa: E731
EVIDENCE_A = lambda world: {"pk": evidence_of(app_a(world)).pk}  # noqa: E731
EVIDENCE_B = lambda world: {"pk": evidence_of(app_b(world)).pk}  # noqa: E731
FILE_A = lambda world: {"pk": evidence_file(app_a(world)).pk}  # noqa: E731
FILE_B = lambda world: {"pk": evidence_file(app_b(world)).pk}  # noqa: E731
SET = lambda world: {"pk": district_set(world).pk}  # noqa: E731
DRAFT_SET = lambda world: {"pk": draft_set(world).pk}  # noqa: E731
SET_ELSEWHERE = lambda world: {"pk": other_set(world).pk}  # noqa: E731
ITEM = lambda world: {"pk": draft_set(world).items.first().pk}  # noqa: E731
ITEM_ELSEWHERE = lambda world: {"pk": other_set(world).items.first().pk}  # noqa: E731
SUBMITTED_A = lambda world: {"pk": app_a(world, SUBMITTED).pk}  # noqa: E731
SUBMITTED_ELSEWHERE = lambda world: {"pk": app_elsewhere(world, SUBMITTED).pk}  # noqa: E731
REVIEWING_A = lambda world: {"pk": app_a(world, UNDER_REVIEW).pk}  # noqa: E731
REVIEWING_ELSEWHERE = lambda world: {"pk": app_elsewhere(world, UNDER_REVIEW).pk}  # noqa: E731
REVIEW_ITEM_A = lambda world: {"pk": evidence_of(app_a(world, UNDER_REVIEW)).pk}  # noqa: E731
REVIEW_ITEM_ELSEWHERE = lambda world: {"pk": evidence_of(app_elsewhere(world, UNDER_REVIEW)).pk}  # noqa: E731
POINT_A = lambda world: {"pk": designation_a(world).pk}  # noqa: E731
POINT_B = lambda world: {"pk": designation_b(world).pk}  # noqa: E731
POINT_ELSEWHERE = lambda world: {"pk": designation_elsewhere(world).pk}  # noqa: E731


def _form(
    name: str, in_scope, out_of_scope, data, *, persona: str = "secretary_a", denied: str = GRID
) -> list[Route]:
    """A form page: GET shows it, POST does it (302)."""
    common = {
        "in_scope": in_scope,
        "out_of_scope": out_of_scope,
        "persona": persona,
        "denied_persona": denied,
    }
    return [
        Route(name, **common),
        Route(name, method="post", data=data, allowed_status=302, **common),
    ]


def _admin(name: str, in_scope, out_of_scope, data) -> list[Route]:
    return _form(name, in_scope, out_of_scope, data, persona=ADMIN, denied="secretary_a")


def set_data(world) -> dict:
    return {"org": world.district_org.pk, "level": "city", "name": "十大标准", "year": today().year}


def recheck_data(world) -> dict:
    made = designation_a(world)
    data = {"checked_on": today().isoformat(), "outcome": "keep", "version": made.version}
    for item in made.standard_set.items.all():
        data[f"met_{item.pk}"] = "on"
    return data


ROUTES: list[Route] = [
    Route("demonstration:public_list", anonymous="public"),
    Route("demonstration:designation_list", denied_persona=GRID),
    Route("demonstration:designation_detail", in_scope=POINT_A, out_of_scope=POINT_B, denied_persona=GRID),
    *_admin("demonstration:recheck_create", POINT_A, POINT_ELSEWHERE, recheck_data),
    Route("demonstration:set_list", denied_persona=GRID),
    Route("demonstration:set_detail", in_scope=SET, out_of_scope=SET_ELSEWHERE, denied_persona=GRID),
    *_admin("demonstration:set_create", lambda world: {}, None, set_data),
    *_admin(
        "demonstration:set_edit",
        DRAFT_SET,
        SET_ELSEWHERE,
        lambda world: {"level": "county", "name": "十大标准（修订）", "year": today().year, "version": 1},
    ),
    *_admin("demonstration:set_publish", DRAFT_SET, SET_ELSEWHERE, lambda world: {}),
    *_admin("demonstration:set_copy", SET, SET_ELSEWHERE, lambda world: {}),
    *_admin(
        "demonstration:item_create",
        DRAFT_SET,
        SET_ELSEWHERE,
        lambda world: {"number": 9, "title": "服务群众好"},
    ),
    *_admin(
        "demonstration:item_edit", ITEM, ITEM_ELSEWHERE, lambda world: {"number": 1, "title": "组织建设强"}
    ),
    Route("demonstration:application_list", denied_persona=GRID),
    *_form(
        "demonstration:application_create",
        lambda world: {},
        None,
        lambda world: {
            "org": world.org_a.pk,
            "standard_set": district_set(world).pk,
            "summary": "申报县级示范点",
        },
    ),
    Route("demonstration:application_detail", in_scope=APP_A, out_of_scope=APP_B, denied_persona=GRID),
    *_form(
        "demonstration:evidence_edit",
        EVIDENCE_A,
        EVIDENCE_B,
        lambda world: {"text": "三会一课台账齐全", "version": 1},
    ),
    Route("demonstration:evidence_file", in_scope=FILE_A, out_of_scope=FILE_B, denied_persona=GRID),
    *_form("demonstration:evidence_file_delete", FILE_A, FILE_B, lambda world: {}),
    *_form("demonstration:application_submit", APP_A, APP_B, lambda world: {}),
    *_admin("demonstration:application_start_review", SUBMITTED_A, SUBMITTED_ELSEWHERE, lambda world: {}),
    *_admin(
        "demonstration:evidence_review",
        REVIEW_ITEM_A,
        REVIEW_ITEM_ELSEWHERE,
        lambda world: {"result": "met", "comment": ""},
    ),
    *_admin(
        "demonstration:application_decide",
        REVIEWING_A,
        REVIEWING_ELSEWHERE,
        lambda world: {"decision": "reject", "reason": "材料不全", "version": 1},
    ),
]
