"""Permission table of the lists' API (/api/v1/volunteering): secretary_a over 社区A's rows, 社区B's
rows out of scope (404), a resident refused; a party member claims and fulfils wishes by identity."""

from __future__ import annotations

from django.utils import timezone

from tests.permissions import Route
from tests.volunteering.lists.helpers import volunteer_in
from tests.volunteering.lists.routes import (
    ASSIGNED_A,
    ASSIGNED_B,
    FULFILLED_A,
    FULFILLED_B,
    MEMBER_ONLY,
    NEED_A,
    NEED_B,
    PROJECT_A,
    PROJECT_B,
    RESOURCE_A,
    RESOURCE_B,
    WISH_A,
    WISH_B,
    _claimed_by_another,
    _claimed_by_her,
    _grants,
    _published_for_her,
    _submitted_for_her,
)

DENIED = "resident"


def _ids(builder):
    return lambda world: {"id": builder(world)["pk"]}


def _api(name: str, in_scope=_grants, out_of_scope=None, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", DENIED)
    if options.get("method", "get") != "get":
        options.setdefault("json", True)
        options.setdefault("data", lambda world: {})
    return Route(
        f"api:{name}",
        in_scope=_ids(in_scope) if in_scope is not _grants else _grants,
        out_of_scope=_ids(out_of_scope) if out_of_scope else None,
        **options,
    )


ROUTES: list[Route] = [
    _api("vol_need_list"),
    _api(
        "vol_need_create",
        method="post",
        allowed_status=201,
        data=lambda world: {"title": "修理水龙头", "category": "repair", "area_id": world.grid_a1.pk},
    ),
    _api("vol_need_detail", NEED_A, NEED_B),
    _api("vol_need_update", NEED_A, NEED_B, method="patch", data=lambda world: {"title": "修理厨房水龙头"}),
    _api(
        "vol_need_assign",
        NEED_A,
        NEED_B,
        method="post",
        data=lambda world: {"volunteer_id": volunteer_in(world.grid_a1, world.org_a, name="赵志愿").pk},
    ),
    _api("vol_need_unassign", ASSIGNED_A, ASSIGNED_B, method="post"),
    _api("vol_need_met", NEED_A, NEED_B, method="post", data=lambda world: {"outcome": "已上门修好"}),
    _api("vol_need_close", NEED_A, NEED_B, method="post", data=lambda world: {"reason": "居民已搬走"}),
    _api("vol_resource_list"),
    _api(
        "vol_resource_create",
        method="post",
        allowed_status=201,
        data=lambda world: {"kind": "venue", "name": "社区活动室", "area_id": world.community_a.pk},
    ),
    _api("vol_resource_detail", RESOURCE_A, RESOURCE_B),
    _api(
        "vol_resource_update", RESOURCE_A, RESOURCE_B, method="patch", data=lambda world: {"capacity": "40人"}
    ),
    _api("vol_project_list"),
    _api(
        "vol_project_create",
        method="post",
        allowed_status=201,
        data=lambda world: {
            "title": "银龄关爱行动",
            "area_id": world.community_a.pk,
            "starts_on": timezone.localdate().isoformat(),
        },
    ),
    _api("vol_project_detail", PROJECT_A, PROJECT_B),
    _api("vol_project_update", PROJECT_A, PROJECT_B, method="patch", data=lambda world: {"state": "running"}),
    _api("vol_wish_list"),
    _api(
        "vol_wish_create",
        method="post",
        allowed_status=201,
        data=lambda world: {"title": "一个新书包", "area_id": world.grid_a1.pk, "resident_name": "张小明"},
    ),
    _api("vol_wish_detail", WISH_A, WISH_B),
    _api("vol_wish_publish", WISH_A, WISH_B, method="post"),
    _api(
        "vol_wish_confirm", FULFILLED_A, FULFILLED_B, method="post", data=lambda world: {"note": "电话回访"}
    ),
    _api("vol_wish_withdraw", WISH_A, WISH_B, method="post", data=lambda world: {"reason": "已自行解决"}),
    _api("vol_wish_claim", _published_for_her, _submitted_for_her, method="post", **MEMBER_ONLY),
    _api("vol_wish_release", _claimed_by_her, _claimed_by_another, method="post", **MEMBER_ONLY),
    _api(
        "vol_wish_fulfil",
        _claimed_by_her,
        _claimed_by_another,
        method="post",
        data=lambda world: {"proof": "书包已送到"},
        **MEMBER_ONLY,
    ),
]
