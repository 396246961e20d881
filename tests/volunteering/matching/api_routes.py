"""Permission table of the matching API (/api/v1/volunteering): secretary_a assigns 社区A's needs;
社区B's need and proposal (above its grid) are out of scope (404); a resident is refused."""

from __future__ import annotations

from tests.permissions import Route
from tests.volunteering.matching.helpers import need_in_a, volunteer_in_a
from tests.volunteering.matching.routes import need_a, need_b, nothing, proposal_a, proposal_b


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", "resident")
    return Route(name=f"api:{name}", **options)


def with_open_need_in_a(world) -> dict:
    need_in_a(world)
    volunteer_in_a(world)
    return {"area_id": world.community_a.pk}


def _id(builder):
    return lambda world: {"id": builder(world)["pk"]}


ROUTES: list[Route] = [
    _api("volunteering_need_suggestions", in_scope=_id(need_a), out_of_scope=_id(need_b)),
    _api("volunteering_proposal_list", in_scope=nothing),
    _api(
        "volunteering_proposal_create",
        method="post",
        json=True,
        in_scope=nothing,
        data=with_open_need_in_a,
        allowed_status=201,
    ),
    _api("volunteering_proposal_detail", in_scope=_id(proposal_a), out_of_scope=_id(proposal_b)),
    _api(
        "volunteering_proposal_accept",
        method="post",
        json=True,
        in_scope=_id(proposal_a),
        out_of_scope=_id(proposal_b),
        data=lambda world: {},
    ),
]
