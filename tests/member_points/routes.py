"""Permission table of the 党员积分 pages: secretary_a of 社区A党委 keeps the points of 社区A's
members; a member of 光明社区第一网格党支部 (社区B) is out of her scope — and out of the two-role
persona's, whose grid post there carries no member-points permission."""

from __future__ import annotations

from tests.member_points.helpers import entry_of, member_in_a, member_in_b, rule_of
from tests.permissions import Route

GRID = "grid_worker_a"  # sees the grid, holds no member-points permission
MEMBER_A = lambda world: {"pk": member_in_a(world).pk}  # noqa: E731
MEMBER_B = lambda world: {"pk": member_in_b(world).pk}  # noqa: E731
ENTRY_A = lambda world: {"pk": entry_of(member_in_a(world)).pk}  # noqa: E731
ENTRY_B = lambda world: {"pk": entry_of(member_in_b(world)).pk}  # noqa: E731
RULE_A = lambda world: {"pk": rule_of(world.org_a).pk}  # noqa: E731
RULE_B = lambda world: {"pk": rule_of(world.org_b).pk}  # noqa: E731


def rule_data(world) -> dict:
    return {
        "source_key": "life.attendance",
        "name": "社区加分",
        "points_per_unit": "1",
        "active_from": "2026-01-01",
        "org": world.org_a.pk,
        "version": "",
    }


def _both(name: str, in_scope, out_of_scope, data) -> list[Route]:
    return [
        Route(name, in_scope=in_scope, out_of_scope=out_of_scope, denied_persona=GRID),
        Route(
            name,
            method="post",
            in_scope=in_scope,
            out_of_scope=out_of_scope,
            data=data,
            allowed_status=302,
            denied_persona=GRID,
        ),
    ]


ROUTES: list[Route] = [
    Route("member_points:ledger", denied_persona=GRID),
    Route("member_points:ledger_export", denied_persona=GRID),
    Route("member_points:ranking", denied_persona=GRID),
    Route("member_points:entry_list", denied_persona=GRID),
    Route("member_points:member_detail", in_scope=MEMBER_A, out_of_scope=MEMBER_B, denied_persona=GRID),
    *_both(
        "member_points:entry_create",
        MEMBER_A,
        MEMBER_B,
        lambda world: {
            "direction": "deduct",
            "points": "1",
            "reason": "无故缺席",
            "occurred_on": "2026-03-05",
        },
    ),
    *_both("member_points:entry_reverse", ENTRY_A, ENTRY_B, lambda world: {"reason": "录入有误"}),
    Route("member_points:rule_list", denied_persona=GRID),
    Route("member_points:rule_create", denied_persona=GRID),
    Route(
        "member_points:rule_create", method="post", data=rule_data, allowed_status=302, denied_persona=GRID
    ),
    *_both(
        "member_points:rule_edit",
        RULE_A,
        RULE_B,
        lambda world: {**rule_data(world), "name": "社区加分（改）"},
    ),
]
