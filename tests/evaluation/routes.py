"""Permission table of the 评星定级 pages: the district's 组织部 (district_admin) writes schemes,
runs rounds, reviews and answers objections; secretary_a of 社区A党委 sees the district's round her
community is rated in, fills in 社区A's self-assessment and carries out its 整改 plan. Out of scope:
社区B's assessment (for secretary_a) and the schemes and rounds of another district (for both).
The 公示 pages are public."""

from __future__ import annotations

import datetime

from dangjian.evaluation.choices import RoundStatus
from tests.evaluation.helpers import (
    YEAR,
    assessment_of,
    evidence_for,
    item,
    objection_for,
    plan_for,
    round_elsewhere,
    round_in,
    scheme,
    scheme_elsewhere,
    task_for,
)
from tests.permissions import Route

ADMIN = {"persona": "district_admin", "denied_persona": "secretary_a"}
GRID = "grid_worker_a"  # sees the grid, holds no evaluation permission
SECRETARY = {"denied_persona": GRID}

DRAFT = lambda world: {"pk": scheme(world, publish=False).pk}  # noqa: E731
DRAFT_ELSEWHERE = lambda world: {"pk": scheme_elsewhere(world, publish=False).pk}  # noqa: E731
ITEM = lambda world: {"pk": item(scheme(world, publish=False), "特色工作").pk}  # noqa: E731
ITEM_ELSEWHERE = lambda world: {"pk": item(scheme_elsewhere(world, publish=False), "特色工作").pk}  # noqa: E731
ROUND = lambda world: {"pk": round_in(world, RoundStatus.SELF_ASSESSMENT).pk}  # noqa: E731
DRAFT_ROUND = lambda world: {"pk": round_in(world, RoundStatus.DRAFT).pk}  # noqa: E731
ROUND_ELSEWHERE = lambda world: {"pk": round_elsewhere(world).pk}  # noqa: E731


def _assessment(status: str, org: str = "org_a"):
    return lambda world: {"pk": assessment_of(round_in(world, status), getattr(world, org)).pk}


def _assessment_elsewhere(status: str):
    return lambda world: {"pk": round_elsewhere(world, status).assessments.get().pk}


SELF_A = _assessment(RoundStatus.SELF_ASSESSMENT)
SELF_B = _assessment(RoundStatus.SELF_ASSESSMENT, "org_b")
REVIEW_A = _assessment(RoundStatus.REVIEW)
REVIEW_ELSEWHERE = _assessment_elsewhere(RoundStatus.REVIEW)
PLAN_A = lambda world: {"pk": plan_for(world, world.org_a).pk}  # noqa: E731
PLAN_B = lambda world: {"pk": plan_for(world, world.org_b).pk}  # noqa: E731
TASK_A = lambda world: {"pk": task_for(plan_for(world, world.org_a)).pk}  # noqa: E731
TASK_B = lambda world: {"pk": task_for(plan_for(world, world.org_b)).pk}  # noqa: E731


def _latest_public_assessment(world) -> int:
    """社区A's assessment in the round the row's ``in_scope`` just brought to 公示."""
    from dangjian.evaluation.models import RatingRound

    latest = RatingRound.objects.filter(status=RoundStatus.PUBLICITY).latest("pk")
    return assessment_of(latest, world.org_a).pk


def _post(name: str, data, **options) -> Route:
    return Route(name, method="post", data=data, allowed_status=302, **options)


def scheme_data(world) -> dict:
    return {"name": "新方案", "year": YEAR, "org_field": "urban_community", "base_points": "200"}


def item_data(world) -> dict:
    from dangjian.evaluation.models import Category

    return {
        "category": Category.objects.order_by("-pk").values_list("pk", flat=True).first(),
        "name": "新项目",
        "kind": "manual",
        "max_points": "10",
        "mapping": "linear",
    }


def item_edit_data(world) -> dict:
    data = item_data(world)
    data["name"] = "特色工作（修订）"
    return data


def round_data(world) -> dict:
    return {
        "scheme": scheme(world).pk,
        "root": world.district_org.pk,
        "rated_kind": "primary_committee",
        "name": "新一轮评星",
        "year": YEAR,
        "period_start": datetime.date(YEAR, 1, 1).isoformat(),
        "period_end": datetime.date(YEAR, 12, 31).isoformat(),
        "publicity_days": 5,
    }


ROUTES: list[Route] = [
    # Schemes: the 组织部's.
    Route("evaluation:scheme_list", **ADMIN),
    Route("evaluation:scheme_create", **ADMIN),
    _post("evaluation:scheme_create", scheme_data, **ADMIN),
    Route("evaluation:scheme_detail", in_scope=DRAFT, out_of_scope=DRAFT_ELSEWHERE, **ADMIN),
    Route("evaluation:scheme_edit", in_scope=DRAFT, out_of_scope=DRAFT_ELSEWHERE, **ADMIN),
    _post(
        "evaluation:scheme_edit",
        lambda world: {"name": "改名的方案", "base_points": "100"},
        in_scope=DRAFT,
        out_of_scope=DRAFT_ELSEWHERE,
        **ADMIN,
    ),
    _post(
        "evaluation:category_add",
        lambda world: {"name": "服务群众", "max_points": "40"},
        in_scope=DRAFT,
        out_of_scope=DRAFT_ELSEWHERE,
        **ADMIN,
    ),
    Route("evaluation:item_add", in_scope=DRAFT, out_of_scope=DRAFT_ELSEWHERE, **ADMIN),
    _post("evaluation:item_add", item_data, in_scope=DRAFT, out_of_scope=DRAFT_ELSEWHERE, **ADMIN),
    Route("evaluation:item_edit", in_scope=ITEM, out_of_scope=ITEM_ELSEWHERE, **ADMIN),
    _post("evaluation:item_edit", item_edit_data, in_scope=ITEM, out_of_scope=ITEM_ELSEWHERE, **ADMIN),
    Route("evaluation:thresholds_edit", in_scope=DRAFT, out_of_scope=DRAFT_ELSEWHERE, **ADMIN),
    _post(
        "evaluation:thresholds_edit",
        lambda world: {"stars_5": "45", "stars_4": "35", "stars_3": "25", "stars_2": "15"},
        in_scope=DRAFT,
        out_of_scope=DRAFT_ELSEWHERE,
        **ADMIN,
    ),
    _post(
        "evaluation:cap_add",
        lambda world: {"figure_key": "help_pairs.visits", "below": "1", "max_stars": "3"},
        in_scope=DRAFT,
        out_of_scope=DRAFT_ELSEWHERE,
        **ADMIN,
    ),
    _post(
        "evaluation:scheme_publish", lambda world: {}, in_scope=DRAFT, out_of_scope=DRAFT_ELSEWHERE, **ADMIN
    ),
    _post(
        "evaluation:scheme_copy",
        lambda world: {"year": YEAR + 1},
        in_scope=DRAFT,
        out_of_scope=DRAFT_ELSEWHERE,
        **ADMIN,
    ),
    # Rounds: the 组织部 runs them; the rated community's secretary reads them.
    Route("evaluation:round_list", **SECRETARY),
    Route("evaluation:round_create", **ADMIN),
    _post("evaluation:round_create", round_data, **ADMIN),
    Route("evaluation:round_detail", in_scope=ROUND, out_of_scope=ROUND_ELSEWHERE, **SECRETARY),
    _post(
        "evaluation:round_advance",
        lambda world: {"step": "open"},
        in_scope=DRAFT_ROUND,
        out_of_scope=ROUND_ELSEWHERE,
        **ADMIN,
    ),
    Route("evaluation:round_export", in_scope=ROUND, out_of_scope=ROUND_ELSEWHERE, **SECRETARY),
    Route("evaluation:round_pdf", in_scope=ROUND, out_of_scope=ROUND_ELSEWHERE, **SECRETARY),
    # Assessments: 社区A's is secretary_a's; 社区B's is not.
    Route("evaluation:assessment_detail", in_scope=SELF_A, out_of_scope=SELF_B, **SECRETARY),
    Route("evaluation:assessment_self", in_scope=SELF_A, out_of_scope=SELF_B, **SECRETARY),
    _post(
        "evaluation:assessment_self",
        lambda world: {"self_assessment": "全年开展了各项工作", "submit": "0"},
        in_scope=SELF_A,
        out_of_scope=SELF_B,
        **SECRETARY,
    ),
    Route("evaluation:assessment_review", in_scope=REVIEW_A, out_of_scope=REVIEW_ELSEWHERE, **ADMIN),
    _post(
        "evaluation:assessment_review",
        lambda world: {"complete": "0"},
        in_scope=REVIEW_A,
        out_of_scope=REVIEW_ELSEWHERE,
        **ADMIN,
    ),
    Route(
        "evaluation:evidence_download",
        in_scope=lambda world: {"pk": evidence_for(world, world.org_a).pk},
        out_of_scope=lambda world: {"pk": evidence_for(world, world.org_b).pk},
        **SECRETARY,
    ),
    # Objections: read by the secretary, answered by the 组织部.
    Route("evaluation:objection_list", **SECRETARY),
    Route(
        "evaluation:objection_answer",
        in_scope=lambda world: {"pk": objection_for(world, world.org_a).pk},
        out_of_scope=lambda world: {"pk": objection_for(world, elsewhere=True).pk},
        **ADMIN,
    ),
    _post(
        "evaluation:objection_answer",
        lambda world: {"answer": "经核实，评分无误。"},
        in_scope=lambda world: {"pk": objection_for(world, world.org_a).pk},
        out_of_scope=lambda world: {"pk": objection_for(world, elsewhere=True).pk},
        **ADMIN,
    ),
    Route("evaluation:star_list", **SECRETARY),
    # 整改: the demoted community's secretary carries it out.
    Route("evaluation:rectification_list", **SECRETARY),
    Route("evaluation:rectification_detail", in_scope=PLAN_A, out_of_scope=PLAN_B, **SECRETARY),
    _post(
        "evaluation:rectification_detail",
        lambda world: {"title": "补齐会议记录", "owner": "李书记", "working_days": "5"},
        in_scope=PLAN_A,
        out_of_scope=PLAN_B,
        **SECRETARY,
    ),
    _post("evaluation:task_done", lambda world: {}, in_scope=TASK_A, out_of_scope=TASK_B, **SECRETARY),
    # 公示 on the portal: public.
    Route("evaluation_public:round_list", anonymous="public"),
    Route(
        "evaluation_public:round",
        in_scope=lambda world: {"pk": round_in(world, RoundStatus.PUBLICITY).pk},
        out_of_scope=lambda world: {"pk": round_in(world, RoundStatus.REVIEW).pk},
        anonymous="public",
    ),
    Route(
        "evaluation_public:round",
        method="post",
        in_scope=lambda world: {"pk": round_in(world, RoundStatus.PUBLICITY).pk},
        data=lambda world: {
            "assessment": _latest_public_assessment(world),
            "name": "张居民",
            "text": "请复核本社区的帮扶数据",
        },
        allowed_status=302,
        anonymous="public",
    ),
]
