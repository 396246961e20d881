"""Permission table of the proposal API (/api/v1/proposals): secretary_a of 社区A党委 over
社区A's proposals; 社区B's out of scope; the public list and detail answer without a login."""

from __future__ import annotations

from tests.permissions import Route
from tests.proposals.helpers import proposal_at
from tests.publicity.helpers import make_secretary_a_a_member

GRID = "grid_worker_a"


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def _id(obj) -> dict:
    return {"id": obj.pk}


A = lambda world: _id(proposal_at(world.org_a))  # noqa: E731
B = lambda world: _id(proposal_at(world.org_b))  # noqa: E731
HIDDEN_B = lambda world: _id(proposal_at(world.org_b, "已隐藏", hidden=True))  # noqa: E731


def _as_member(kwargs):
    def build(world) -> dict:
        make_secretary_a_a_member(world)
        return kwargs(world)

    return build


ROUTES: list[Route] = [
    _api("proposal_list", denied_persona="resident"),
    _api("proposal_detail", in_scope=A, out_of_scope=B, denied_persona=GRID),
    _api(
        "proposal_respond",
        method="post",
        json=True,
        in_scope=A,
        out_of_scope=B,
        data=lambda world: {"accept": False, "response": "暂不具备条件"},
        denied_persona=GRID,
    ),
    _api(
        "proposal_hide",
        method="post",
        json=True,
        in_scope=A,
        out_of_scope=B,
        data=lambda world: {"reason": "含个人信息"},
        denied_persona=GRID,
    ),
    _api(
        "proposal_create",
        method="post",
        json=True,
        in_scope=_as_member(lambda world: {}),
        data=lambda world: {"org_id": world.org_a.pk, "title": "加装电梯", "text": "老人上下楼难。"},
        allowed_status=201,
        denied_persona=GRID,
        two_roles="refused",
    ),
    _api(
        "proposal_support",
        method="post",
        json=True,
        in_scope=_as_member(A),
        out_of_scope=_as_member(HIDDEN_B),
        denied_persona=GRID,
        two_roles="refused",
        two_roles_outside="refused",
    ),
    _api("proposal_public_list", anonymous="public"),
    _api("proposal_public_detail", in_scope=A, out_of_scope=HIDDEN_B, anonymous="public"),
]
