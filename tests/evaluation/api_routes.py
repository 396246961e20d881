"""Permission table of the 评星定级 API (/api/v1/evaluation): the same personas and objects as the
pages (tests/evaluation/routes.py)."""

from __future__ import annotations

from dangjian.evaluation.choices import RoundStatus
from tests.evaluation.helpers import (
    assessment_of,
    objection_for,
    round_elsewhere,
    round_in,
    scheme,
    scheme_elsewhere,
)
from tests.evaluation.routes import ADMIN, GRID
from tests.permissions import Route


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", GRID)
    return Route(name=f"api:{name}", **options)


def _id(make):
    return lambda world: {"id": make(world).pk}


ROUND = _id(lambda world: round_in(world, RoundStatus.SELF_ASSESSMENT))
ROUND_ELSEWHERE = _id(lambda world: round_elsewhere(world))
SELF_A = _id(lambda world: assessment_of(round_in(world, RoundStatus.SELF_ASSESSMENT), world.org_a))
SELF_B = _id(lambda world: assessment_of(round_in(world, RoundStatus.SELF_ASSESSMENT), world.org_b))
REVIEW_A = _id(lambda world: assessment_of(round_in(world, RoundStatus.REVIEW), world.org_a))
REVIEW_ELSEWHERE = _id(lambda world: round_elsewhere(world, RoundStatus.REVIEW).assessments.get())
SCORE_A = _id(
    lambda world: assessment_of(round_in(world, RoundStatus.REVIEW), world.org_a).scores.get(
        item__name="特色工作"
    )
)
SCORE_ELSEWHERE = _id(
    lambda world: (
        round_elsewhere(world, RoundStatus.REVIEW).assessments.get().scores.get(item__name="特色工作")
    )
)
API_ADMIN = {**ADMIN, "anonymous": "401"}

ROUTES: list[Route] = [
    _api("evaluation_scheme_list", **API_ADMIN),
    _api(
        "evaluation_scheme_detail",
        in_scope=_id(lambda world: scheme(world)),
        out_of_scope=_id(lambda world: scheme_elsewhere(world)),
        **API_ADMIN,
    ),
    _api("evaluation_round_list"),
    _api("evaluation_round_detail", in_scope=ROUND, out_of_scope=ROUND_ELSEWHERE),
    _api(
        "evaluation_round_advance",
        method="post",
        json=True,
        data=lambda world: {"step": "open"},
        in_scope=_id(lambda world: round_in(world, RoundStatus.DRAFT)),
        out_of_scope=ROUND_ELSEWHERE,
        **API_ADMIN,
    ),
    _api("evaluation_assessment_list", in_scope=ROUND, out_of_scope=ROUND_ELSEWHERE),
    _api("evaluation_assessment_detail", in_scope=SELF_A, out_of_scope=SELF_B),
    _api(
        "evaluation_assessment_self",
        method="post",
        json=True,
        data=lambda world: {"self_assessment": "全年工作总结"},
        in_scope=SELF_A,
        out_of_scope=SELF_B,
    ),
    _api(
        "evaluation_score_review",
        method="post",
        json=True,
        data=lambda world: {"points": "20", "comment": "材料齐全"},
        in_scope=SCORE_A,
        out_of_scope=SCORE_ELSEWHERE,
        **API_ADMIN,
    ),
    _api(
        "evaluation_assessment_complete",
        method="post",
        json=True,
        data=lambda world: {},
        in_scope=REVIEW_A,
        out_of_scope=REVIEW_ELSEWHERE,
        allowed_status=400,
        **API_ADMIN,
    ),
    _api("evaluation_objection_list"),
    _api(
        "evaluation_objection_answer",
        method="post",
        json=True,
        data=lambda world: {"answer": "经核实，评分无误。"},
        in_scope=_id(lambda world: objection_for(world, world.org_a)),
        out_of_scope=_id(lambda world: objection_for(world, elsewhere=True)),
        **API_ADMIN,
    ),
]
