"""Permission table of the proposal pages: secretary_a of 社区A党委 answers 社区A's proposals;
社区B's are out of her scope (404). The portal's pages are public; hidden proposals are nobody's."""

from __future__ import annotations

from tests.permissions import Route
from tests.proposals.helpers import proposal_at
from tests.publicity.helpers import make_secretary_a_a_member

GRID = "grid_worker_a"


def _pk(obj) -> dict:
    return {"pk": obj.pk}


A = lambda world: _pk(proposal_at(world.org_a))  # noqa: E731
B = lambda world: _pk(proposal_at(world.org_b))  # noqa: E731
HIDDEN_B = lambda world: _pk(proposal_at(world.org_b, "已隐藏", hidden=True))  # noqa: E731
ORG_A = lambda world: _pk(world.org_a)  # noqa: E731
ORG_B = lambda world: _pk(world.org_b)  # noqa: E731
PROOF = {"contact_phone": "13800138000", "code": "000000"}


def _as_member(kwargs):
    def build(world) -> dict:
        make_secretary_a_a_member(world)
        return kwargs(world)

    return build


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
    Route("proposals:proposal_list", denied_persona="resident"),
    Route("proposals:proposal_detail", in_scope=A, out_of_scope=B, denied_persona=GRID),
    *_both(
        "proposals:proposal_respond", A, B, lambda world: {"decision": "accept", "response": "已列入民生实事"}
    ),
    *_both("proposals:proposal_hide", A, B, lambda world: {"reason": "含个人信息"}),
    *_both("proposals:threshold_edit", ORG_A, ORG_B, lambda world: {"supports_needed": 20}),
    # A member's own pages: secretary_a is made a member of 社区A's branch; the two-role persona
    # is no party member (refused).
    Route(
        "proposals:proposal_create",
        in_scope=_as_member(lambda world: {}),
        denied_persona=GRID,
        two_roles="refused",
    ),
    Route(
        "proposals:proposal_create",
        method="post",
        in_scope=_as_member(lambda world: {}),
        data=lambda world: {"org": world.org_a.pk, "title": "加装电梯", "text": "老人上下楼难。"},
        allowed_status=302,
        denied_persona=GRID,
        two_roles="refused",
    ),
    Route(
        "proposals:proposal_support",
        method="post",
        in_scope=_as_member(A),
        out_of_scope=_as_member(HIDDEN_B),
        allowed_status=302,
        denied_persona=GRID,
        two_roles="refused",
        two_roles_outside="refused",
    ),
    # The portal: public; without a valid phone code the form answers 400 (see test_proposals.py).
    Route("proposals_portal:proposal_list", anonymous="public"),
    Route("proposals_portal:proposal_detail", in_scope=A, out_of_scope=HIDDEN_B, anonymous="public"),
    Route("proposals_portal:proposal_create", anonymous="public"),
    Route(
        "proposals_portal:proposal_create",
        method="post",
        data=lambda world: {
            "org": world.org_a.pk,
            "name": "王芳",
            "title": "加装电梯",
            "text": "难。",
            **PROOF,
        },
        anonymous="public",
        allowed_status=400,
    ),
    Route(
        "proposals_portal:proposal_support",
        method="post",
        in_scope=A,
        out_of_scope=HIDDEN_B,
        data=lambda world: PROOF,
        anonymous="public",
        allowed_status=400,
    ),
]
