"""Permission table of the service-post API (/api/v1/posts): secretary_a of 社区A党委 over 社区A's
posts; 社区B's out of scope. The published agreements answer without a login."""

from __future__ import annotations

from dangjian.service_posts.choices import ClaimState
from tests.permissions import Route
from tests.service_posts.helpers import DAY, agreement_in, claim_in, make_secretary_a_a_member, post_in, today

GRID = "grid_worker_a"


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def _id(obj) -> dict:
    return {"id": obj.pk}


POST_A = lambda world: _id(post_in(world.org_a))  # noqa: E731
POST_B = lambda world: _id(post_in(world.org_b))  # noqa: E731


def _claim(state: str, *, renewal: bool = False):
    return (
        lambda world: _id(claim_in(world.org_a, world.branch_a1, state, renewal=renewal)),
        lambda world: _id(claim_in(world.org_b, world.branch_b1, state, renewal=renewal)),
    )


WAITING_A, WAITING_B = _claim(ClaimState.CLAIMED)
HOLDING_A, HOLDING_B = _claim(ClaimState.CONFIRMED)
RENEWAL_A, RENEWAL_B = _claim(ClaimState.CONFIRMED, renewal=True)
REASON = lambda world: {"reason": "工作调整"}  # noqa: E731


def _as_member(kwargs):
    def build(world) -> dict:
        make_secretary_a_a_member(world)
        return kwargs(world)

    return build


def _action(name: str, in_scope, out_of_scope, data=None, status: int = 200) -> Route:
    return _api(
        name,
        method="post",
        json=True,
        in_scope=in_scope,
        out_of_scope=out_of_scope,
        data=data,
        allowed_status=status,
        denied_persona=GRID,
    )


ROUTES: list[Route] = [
    _api("post_list", denied_persona="resident"),
    _api("post_detail", in_scope=POST_A, out_of_scope=POST_B, denied_persona=GRID),
    _api(
        "post_claim",
        method="post",
        json=True,
        in_scope=_as_member(POST_A),
        out_of_scope=_as_member(POST_B),
        allowed_status=201,
        denied_persona=GRID,
        two_roles="refused",
        two_roles_outside="refused",
    ),
    # Scoped rather than refused: a caller without rights gets their own claims (none).
    _api("post_claim_list"),
    _api("post_claim_detail", in_scope=WAITING_A, out_of_scope=WAITING_B, denied_persona=GRID),
    _action("post_claim_confirm", WAITING_A, WAITING_B),
    _action("post_claim_decline", WAITING_A, WAITING_B, REASON),
    _action("post_claim_withdraw", HOLDING_A, HOLDING_B, REASON),
    _action(
        "post_claim_renew", HOLDING_A, HOLDING_B, lambda world: {"ends_on": (today() + 100 * DAY).isoformat()}
    ),
    _action("post_renewal_confirm", RENEWAL_A, RENEWAL_B),
    _api("post_public_agreements", anonymous="public"),
    _api(
        "post_public_agreement",
        anonymous="public",
        in_scope=lambda world: {"code": agreement_in(world.org_a, world.branch_a1).code},
        out_of_scope=lambda world: {"code": agreement_in(world.org_b, world.branch_b1, public=False).code},
    ),
]
