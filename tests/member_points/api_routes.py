"""Permission table of the 党员积分 API (/api/v1/member-points): secretary_a of 社区A党委 reads
社区A's points; a member of 光明社区第一网格党支部 (社区B) is out of scope."""

from __future__ import annotations

from tests.member_points.helpers import entry_of, member_in_a, member_in_b
from tests.permissions import Route

GRID = "grid_worker_a"
REASON = "录入有误，予以更正"


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", GRID)
    return Route(name=f"api:{name}", **options)


ROUTES: list[Route] = [
    _api("member_points_rule_list"),
    _api(
        "member_points_ledger",
        in_scope=lambda world: {"id": world.org_a.pk},
        out_of_scope=lambda world: {"id": world.org_b.pk},
    ),
    _api(
        "member_points_ranking",
        in_scope=lambda world: {"id": world.branch_a1.pk},
        out_of_scope=lambda world: {"id": world.branch_b1.pk},
    ),
    _api(
        "member_points_member_entries",
        in_scope=lambda world: {"id": member_in_a(world).pk},
        out_of_scope=lambda world: {"id": member_in_b(world).pk},
    ),
    _api(
        "member_points_award",
        method="post",
        json=True,
        data=lambda world: {"member_id": member_in_a(world).pk, "points": "2", "reason": REASON},
        allowed_status=201,
    ),
    _api(
        "member_points_entry_reversal",
        method="post",
        json=True,
        in_scope=lambda world: {"id": entry_of(member_in_a(world)).pk},
        out_of_scope=lambda world: {"id": entry_of(member_in_b(world)).pk},
        data=lambda world: {"reason": REASON},
        allowed_status=201,
    ),
]
