"""Permission table of the trees' API (/api/v1/orgs/): secretary_a of 社区A, 社区B out of scope.

``two_roles_outside``: 社区B's grid and branch lie under the grid post of
``secretary_a_grid_worker_b``, who sees them but is refused changes (403).
"""

from __future__ import annotations

from tests.permissions import Route


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


ROUTES: list[Route] = [
    # Lists are scoped rather than refused: their scoping is tested in tests/orgs/test_api.py.
    _api("org_list"),
    _api(
        "org_detail",
        in_scope=lambda world: {"id": world.org_a.pk},
        out_of_scope=lambda world: {"id": world.org_b.pk},
        denied_persona="resident",
    ),
    _api(
        "org_create",
        method="post",
        json=True,
        data=lambda world: {
            "parent_id": world.org_a.pk,
            "name": "幸福社区第二网格党支部",
            "code": "B0100",
            "kind": "branch",
        },
        allowed_status=201,
        # The grid worker cannot see 社区A党委 itself (only the branch of their grid): 404.
        denied_persona="grid_worker_a",
    ),
    _api(
        "org_update",
        method="patch",
        json=True,
        in_scope=lambda world: {"id": world.branch_a1.pk},
        out_of_scope=lambda world: {"id": world.branch_b1.pk},
        data=lambda world: {"version": 1, "phone": "010-12345678"},
        # Sees the branch of their grid but may not change it: 403.
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    _api(
        "org_move",
        method="post",
        json=True,
        in_scope=lambda world: {"id": world.branch_a1.pk},
        out_of_scope=lambda world: {"id": world.branch_b1.pk},
        data=lambda world: {"parent_id": world.org_a.pk},
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    _api(
        "org_deactivate",
        method="post",
        json=True,
        in_scope=lambda world: {"id": world.branch_a1.pk},
        out_of_scope=lambda world: {"id": world.branch_b1.pk},
        data=lambda world: {"reason": "网格调整"},
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    _api(
        "org_reactivate",
        method="post",
        in_scope=lambda world: {"id": world.branch_a1.pk},
        out_of_scope=lambda world: {"id": world.branch_b1.pk},
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    _api("area_list"),
    _api(
        "area_detail",
        in_scope=lambda world: {"id": world.community_a.pk},
        out_of_scope=lambda world: {"id": world.community_b.pk},
        denied_persona="resident",
    ),
    _api(
        "area_create",
        method="post",
        json=True,
        data=lambda world: {
            "parent_id": world.grid_a2.pk,
            "name": "2号楼",
            "code": "110105001001G02B02",
            "kind": "building",
        },
        allowed_status=201,
        denied_persona="grid_worker_a",
    ),
    _api(
        "area_update",
        method="patch",
        json=True,
        in_scope=lambda world: {"id": world.grid_a2.pk},
        out_of_scope=lambda world: {"id": world.grid_b1.pk},
        data=lambda world: {"version": 1, "address": "幸福路 2 号"},
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    _api(
        "area_move",
        method="post",
        json=True,
        in_scope=lambda world: {"id": world.building_a1.pk},
        out_of_scope=lambda world: {"id": world.grid_b1.pk},
        data=lambda world: {"parent_id": world.grid_a2.pk},
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    _api(
        "area_deactivate",
        method="post",
        json=True,
        in_scope=lambda world: {"id": world.grid_a2.pk},
        out_of_scope=lambda world: {"id": world.grid_b1.pk},
        data=lambda world: {"reason": "网格合并"},
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
    _api(
        "area_reactivate",
        method="post",
        in_scope=lambda world: {"id": world.grid_a2.pk},
        out_of_scope=lambda world: {"id": world.grid_b1.pk},
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
]
