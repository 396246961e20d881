"""Permission table of the matching pages: secretary_a of 社区A党委 assigns 社区A's needs; needs,
volunteers and proposals of 社区B (above its grid, so the two-role persona's grid post does not
reach them either) are out of scope (404). A resident holds no right (refused)."""

from __future__ import annotations

from tests.permissions import Route
from tests.volunteering.matching.helpers import (
    grant_volunteering_permissions,
    need_in_a,
    need_in_b,
    proposal_in_a,
    proposal_in_b,
    volunteer,
    volunteer_in_a,
)


def _granted(world) -> None:
    # Until the ledger part's roles are merged (see helpers.grant_volunteering_permissions).
    grant_volunteering_permissions()


def need_a(world) -> dict:
    _granted(world)
    return {"pk": need_in_a(world).pk}


def need_b(world) -> dict:
    _granted(world)
    return {"pk": need_in_b(world).pk}


def proposal_a(world) -> dict:
    _granted(world)
    return {"pk": proposal_in_a(world).pk}


def proposal_b(world) -> dict:
    _granted(world)
    return {"pk": proposal_in_b(world).pk}


def pair_a(world) -> dict:
    proposal = proposal_in_a(world)
    _granted(world)
    return {"pk": proposal.pk, "pair_pk": proposal.pairs.first().pk}


def pair_b(world) -> dict:
    proposal = proposal_in_b(world)
    _granted(world)
    return {"pk": proposal.pk, "pair_pk": proposal.pairs.first().pk}


def nothing(world) -> dict:
    _granted(world)
    return {}


def another_volunteer_in_a(world) -> dict:
    return {"volunteer": volunteer(world.grid_a2, world.org_a, "周志愿").pk}


DENIED = "resident"

ROUTES: list[Route] = [
    Route("volunteering:need_suggestions", in_scope=need_a, out_of_scope=need_b, denied_persona=DENIED),
    Route(
        "volunteering:need_suggestion_assign",
        method="post",
        in_scope=need_a,
        out_of_scope=need_b,
        data=lambda world: {"volunteer": volunteer_in_a(world).pk},
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("volunteering:proposal_list", in_scope=nothing, denied_persona=DENIED),
    Route(
        "volunteering:proposal_create",
        method="post",
        in_scope=nothing,
        data=lambda world: {"area": world.community_a.pk},
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route(
        "volunteering:proposal_detail", in_scope=proposal_a, out_of_scope=proposal_b, denied_persona=DENIED
    ),
    *(
        Route(
            name,
            method="post",
            in_scope=proposal_a,
            out_of_scope=proposal_b,
            allowed_status=302,
            denied_persona=DENIED,
        )
        for name in ("volunteering:proposal_accept", "volunteering:proposal_discard")
    ),
    Route(
        "volunteering:proposal_pair_remove",
        method="post",
        in_scope=pair_a,
        out_of_scope=pair_b,
        allowed_status=302,
        denied_persona=DENIED,
    ),
    Route("volunteering:proposal_pair_change", in_scope=pair_a, out_of_scope=pair_b, denied_persona=DENIED),
    Route(
        "volunteering:proposal_pair_change",
        method="post",
        in_scope=pair_a,
        out_of_scope=pair_b,
        data=another_volunteer_in_a,
        allowed_status=302,
        denied_persona=DENIED,
    ),
]
