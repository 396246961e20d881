"""Permission table of the 帮扶对子 API (/api/v1/help-pairs): secretary_a of 社区A党委 owns the pairs
of 社区A; a pair inside 光明社区第一网格 (社区B) is out of scope."""

from __future__ import annotations

from tests.help_pairs.helpers import member_in, pair_in_a, pair_in_b, resident_in, visit_in
from tests.permissions import Route

PAIR_A = lambda world: {"id": pair_in_a(world).pk}  # noqa: E731
PAIR_B = lambda world: {"id": pair_in_b(world).pk}  # noqa: E731
VISIT_A = lambda world: {"id": visit_in(pair_in_a(world)).pk}  # noqa: E731
VISIT_B = lambda world: {"id": visit_in(pair_in_b(world)).pk}  # noqa: E731
GRID = "grid_worker_a"


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", GRID)
    return Route(name=f"api:{name}", **options)


def _pair_in(world) -> dict:
    return {
        "helper_id": member_in(world.branch_a1, "周帮扶").pk,
        "kind": "family",
        "family_head_id": resident_in(world.building_a1, "吴困难").pk,
        "area_id": world.grid_a1.pk,
        "org_id": world.org_a.pk,
    }


ROUTES: list[Route] = [
    _api("help_pairs_pair_list"),
    _api("help_pairs_visit_list"),
    _api("help_pairs_pair_create", method="post", json=True, data=_pair_in, allowed_status=201),
    _api("help_pairs_pair_detail", in_scope=PAIR_A, out_of_scope=PAIR_B),
    _api(
        "help_pairs_pair_update",
        method="patch",
        json=True,
        in_scope=PAIR_A,
        out_of_scope=PAIR_B,
        data=lambda world: {"version": 1, "visit_interval_days": 14},
    ),
    _api(
        "help_pairs_pair_end",
        method="post",
        json=True,
        in_scope=PAIR_A,
        out_of_scope=PAIR_B,
        data=lambda world: {},
    ),
    _api(
        "help_pairs_visit_create",
        method="post",
        json=True,
        in_scope=PAIR_A,
        out_of_scope=PAIR_B,
        data=lambda world: {"findings": "看望"},
        allowed_status=201,
    ),
    _api(
        "help_pairs_visit_update",
        method="patch",
        json=True,
        in_scope=VISIT_A,
        out_of_scope=VISIT_B,
        data=lambda world: {"version": 1, "reason": "更正", "findings": "更正后的情况"},
    ),
]
