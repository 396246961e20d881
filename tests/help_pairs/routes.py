"""Permission table of the 帮扶对子 pages: secretary_a of 社区A党委 owns the pairs of 社区A; a pair
inside 光明社区第一网格 (社区B) is out of her scope — and out of the two-role persona's, whose grid
post there carries no help-pairs permission."""

from __future__ import annotations

from tests.help_pairs.helpers import member_in, pair_in_a, pair_in_b, resident_in, today, visit_in
from tests.permissions import Route

PAIR_A = lambda world: {"pk": pair_in_a(world).pk}  # noqa: E731
PAIR_B = lambda world: {"pk": pair_in_b(world).pk}  # noqa: E731
VISIT_A = lambda world: {"pk": visit_in(pair_in_a(world)).pk}  # noqa: E731
VISIT_B = lambda world: {"pk": visit_in(pair_in_b(world)).pk}  # noqa: E731
GRID = "grid_worker_a"  # sees the grid, holds no help-pairs permission


def _both(name: str, in_scope, out_of_scope, data, **options) -> list[Route]:
    """A form page: GET shows it, POST does it (302 back to the pair)."""
    return [
        Route(name, in_scope=in_scope, out_of_scope=out_of_scope, denied_persona=GRID, **options),
        Route(
            name,
            method="post",
            in_scope=in_scope,
            out_of_scope=out_of_scope,
            data=data,
            allowed_status=302,
            denied_persona=GRID,
            **options,
        ),
    ]


def pair_data(world) -> dict:
    return {
        "helper": member_in(world.branch_a1, "周帮扶").pk,
        "kind": "family",
        "family_head": resident_in(world.building_a1, "吴困难").pk,
        "area": world.grid_a1.pk,
        "org": world.org_a.pk,
        "since": today().isoformat(),
        "visit_interval_days": 30,
        "version": 1,
    }


def edit_data(world) -> dict:
    made = pair_in_a(world)
    return {
        "helper": made.helper_id,
        "kind": made.kind,
        "family_head": made.family_head_id,
        "area": made.area_id,
        "org": made.org_id,
        "since": made.since.isoformat(),
        "visit_interval_days": 14,
        "version": made.version,
    }


def visit_data(world) -> dict:
    return {
        "visited_on": today().isoformat(),
        "findings": "生活稳定",
        "problems_raised_count": 0,
        "problems_solved_count": 0,
    }


ROUTES: list[Route] = [
    Route("help_pairs:pair_list", denied_persona=GRID),
    Route("help_pairs:visit_list", denied_persona=GRID),
    Route("help_pairs:pair_create", denied_persona=GRID),
    Route("help_pairs:pair_create", method="post", data=pair_data, allowed_status=302, denied_persona=GRID),
    Route("help_pairs:pair_detail", in_scope=PAIR_A, out_of_scope=PAIR_B, denied_persona=GRID),
    *_both("help_pairs:pair_edit", PAIR_A, PAIR_B, edit_data),
    *_both("help_pairs:pair_end", PAIR_A, PAIR_B, lambda world: {"until": today().isoformat(), "version": 1}),
    *_both("help_pairs:visit_create", PAIR_A, PAIR_B, visit_data),
    *_both(
        "help_pairs:visit_edit",
        VISIT_A,
        VISIT_B,
        lambda world: {**visit_data(world), "reason": "更正日期", "version": 1},
    ),
]
