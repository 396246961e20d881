"""Permission table of the announcement API (/api/v1/publicity): secretary_a of 社区A党委 over
社区A's announcements; 社区B's out of scope."""

from __future__ import annotations

from dangjian.publicity.choices import AnnouncementState
from tests.permissions import Route
from tests.publicity.helpers import in_state, make_secretary_a_a_member

GRID = "grid_worker_a"


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def _id(obj) -> dict:
    return {"id": obj.pk}


DRAFT_A = lambda world: _id(in_state(world.org_a, AnnouncementState.DRAFT))  # noqa: E731
DRAFT_B = lambda world: _id(in_state(world.org_b, AnnouncementState.DRAFT))  # noqa: E731
LIVE_A = lambda world: _id(in_state(world.org_a, AnnouncementState.PUBLISHED))  # noqa: E731
LIVE_B = lambda world: _id(in_state(world.org_b, AnnouncementState.PUBLISHED))  # noqa: E731


def _as_member(kwargs):
    def build(world) -> dict:
        make_secretary_a_a_member(world)
        return kwargs(world)

    return build


def _action(name: str, in_scope, out_of_scope, data=None) -> Route:
    return _api(
        name,
        method="post",
        json=True,
        in_scope=in_scope,
        out_of_scope=out_of_scope,
        data=data,
        denied_persona=GRID,
    )


ROUTES: list[Route] = [
    _api("announcement_list", denied_persona="resident"),
    # Scoped rather than refused: a caller who is no member gets an empty list.
    _api("announcement_mine"),
    _api(
        "announcement_create",
        method="post",
        json=True,
        data=lambda world: {"org_id": world.org_a.pk, "title": "通知", "body": "<p>内容</p>"},
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api("announcement_detail", in_scope=DRAFT_A, out_of_scope=DRAFT_B, denied_persona=GRID),
    _api(
        "announcement_update",
        method="patch",
        json=True,
        in_scope=DRAFT_A,
        out_of_scope=DRAFT_B,
        data=lambda world: {"version": 1, "title": "新标题"},
        denied_persona=GRID,
    ),
    _action("announcement_publish", DRAFT_A, DRAFT_B),
    _action("announcement_withdraw", LIVE_A, LIVE_B, lambda world: {"reason": "内容有误"}),
    # A member records their own read: secretary_a is made a member of 社区A's branch; the
    # two-role persona is no party member, so refused on both.
    _api(
        "announcement_read",
        method="post",
        json=True,
        in_scope=_as_member(LIVE_A),
        out_of_scope=_as_member(LIVE_B),
        denied_persona=GRID,
        two_roles="refused",
        two_roles_outside="refused",
    ),
    _api("announcement_reads", in_scope=LIVE_A, out_of_scope=LIVE_B, denied_persona=GRID),
    _api("announcement_unread", in_scope=LIVE_A, out_of_scope=LIVE_B, denied_persona=GRID),
]
