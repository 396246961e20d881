"""API of matching at /api/v1/volunteering: a need's suggested volunteers with score and reasons,
and batch proposals — made, read with their pairs, accepted — through the same services as the
pages. Needs and proposals outside the caller's scope answer 404; without the right to assign
needs, 403.
"""

from __future__ import annotations

import datetime

from django.db.models import Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import has_perm_over
from dangjian.orgs.models import Area
from dangjian.volunteering.choices import NeedState
from dangjian.volunteering.matchmaking import services
from dangjian.volunteering.matchmaking.candidates import Candidate, suggestions
from dangjian.volunteering.matchmaking.models import NEED_PERMISSION, MatchProposal
from dangjian.volunteering.matchmaking.scoring import MAX_SCORE
from dangjian.volunteering.models import Need

router = Router(tags=["volunteering"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class FitOut(Schema):
    score: int = Field(description=f"Out of {MAX_SCORE}: skill 40, distance 30, time 20, load 10.")
    cost: int = Field(description="What the solver minimises: the score's shortfall from the maximum.")
    skill_matched: int
    skill_wanted: int
    distance: int = Field(description="3 same grid, 2 same community, 1 same street, 0 elsewhere.")
    slots_overlap: int
    load: int = Field(description="Needs the volunteer holds (assigned, not yet met).")
    slots: int = Field(description="Needs the volunteer may hold at once.")
    reasons: list[str]


class SuggestionOut(FitOut):
    volunteer_id: int
    volunteer_name: str
    area_name: str


class PairOut(FitOut):
    id: int
    need_id: int
    need_title: str
    need_state: str
    volunteer_id: int
    volunteer_name: str


class ProposalOut(Schema):
    id: int
    area_id: int
    area_name: str
    state: str
    version: int
    open_needs: int
    volunteers_considered: int
    pair_count: int
    total_cost: int
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class ProposalSummary(Schema):
    id: int
    area_id: int
    area_name: str
    state: str
    open_needs: int
    created_at: datetime.datetime


class ProposalDetail(ProposalOut):
    pairs: list[PairOut]
    next: int | None = Field(
        None, description="Pass as `offset` for the next page of pairs; null on the last."
    )


class ProposalPage(Schema):
    items: list[ProposalSummary]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ProposalCreate(InputSchema):
    area_id: int = Field(description="A street or community where the caller may assign needs.")


class VersionIn(InputSchema):
    version: int | None = Field(None, description="The version read; a stale one is refused (409).")


def _fit_fields(fit) -> dict:
    return {
        "score": fit.score,
        "cost": fit.cost,
        "skill_matched": fit.skill_matched,
        "skill_wanted": fit.skill_wanted,
        "distance": fit.distance,
        "slots_overlap": fit.slots_overlap,
        "load": fit.load,
        "slots": fit.slots,
        "reasons": fit.reasons(),
    }


def _suggestion(candidate: Candidate) -> dict:
    volunteer = candidate.volunteer
    return {
        **_fit_fields(candidate.fit),
        "volunteer_id": volunteer.pk,
        "volunteer_name": volunteer.person.name,
        "area_name": volunteer.area.name,
    }


def _require_matching(request: HttpRequest) -> None:
    if not services.may_match(request.user):
        raise PermissionDenied(gettext("You may not assign needs."), rule="scope")


def _proposal(request: HttpRequest, id: int) -> MatchProposal:
    return get_object_or_404(
        MatchProposal.objects.visible_to(request.user, NEED_PERMISSION).select_related("area"), pk=id
    )


def _proposal_out(proposal: MatchProposal) -> dict:
    totals = proposal.pairs.aggregate(score=Sum("score"))
    count = proposal.pairs.count()
    return {
        "id": proposal.pk,
        "area_id": proposal.area_id,
        "area_name": proposal.area.name,
        "state": proposal.state,
        "version": proposal.version,
        "open_needs": proposal.open_needs,
        "volunteers_considered": proposal.volunteers_considered,
        "pair_count": count,
        "total_cost": count * MAX_SCORE - (totals["score"] or 0),
        "created_at": proposal.created_at,
        "decided_at": proposal.decided_at,
    }


@router.get(
    "/needs/{id:id}/suggestions", response=list[SuggestionOut], url_name="volunteering_need_suggestions"
)
def need_suggestions(request: HttpRequest, id: int) -> list[dict]:
    """The ten best volunteers for an open need, best first, with score and reasons."""
    need = get_object_or_404(Need.objects.visible_to(request.user).select_related("area", "org"), pk=id)
    if not has_perm_over(request.user, NEED_PERMISSION, need):
        raise PermissionDenied(gettext("You may not assign this need."), rule="scope")
    if need.state != NeedState.OPEN:
        return []
    return [_suggestion(candidate) for candidate in suggestions(need, request.user)]


@router.get("/proposals", response=ProposalPage, url_name="volunteering_proposal_list")
def proposal_list(request: HttpRequest, params: Query[PageParams]) -> dict:
    _require_matching(request)
    proposals = (
        MatchProposal.objects.visible_to(request.user, NEED_PERMISSION)
        .select_related("area")
        .order_by("-created_at", "-id")
    )
    rows = list(proposals[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    items = [
        {
            "id": p.pk,
            "area_id": p.area_id,
            "area_name": p.area.name,
            "state": p.state,
            "open_needs": p.open_needs,
            "created_at": p.created_at,
        }
        for p in rows[: params.limit]
    ]
    return {"items": items, "next": params.offset + params.limit if has_next else None}


@router.post("/proposals", response={201: ProposalOut}, url_name="volunteering_proposal_create")
def proposal_create(request: HttpRequest, payload: ProposalCreate) -> Status:
    """Solve the open needs of a street or community; the answer is stored as a draft."""
    _require_matching(request)
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=payload.area_id)
    proposal = services.propose(area, by=request.user)
    return Status(201, _proposal_out(_proposal(request, proposal.pk)))


@router.get("/proposals/{id:id}", response=ProposalDetail, url_name="volunteering_proposal_detail")
def proposal_detail(request: HttpRequest, id: int, params: Query[PageParams]) -> dict:
    """A proposal with its totals and one page of its pairs (by need), each with its reasons."""
    proposal = _proposal(request, id)
    pairs = list(
        proposal.pairs.select_related("need", "volunteer__person").order_by("need_id")[
            params.offset : params.offset + params.limit + 1
        ]
    )
    has_next = len(pairs) > params.limit
    rows = [
        {
            **_fit_fields(pair.fit(need_any_time=pair.need.availability == 0)),
            "id": pair.pk,
            "need_id": pair.need_id,
            "need_title": pair.need.title,
            "need_state": pair.need.state,
            "volunteer_id": pair.volunteer_id,
            "volunteer_name": pair.volunteer.person.name,
        }
        for pair in pairs[: params.limit]
    ]
    return {
        **_proposal_out(proposal),
        "pairs": rows,
        "next": params.offset + params.limit if has_next else None,
    }


@router.post("/proposals/{id:id}/accept", response=ProposalOut, url_name="volunteering_proposal_accept")
def proposal_accept(request: HttpRequest, id: int, payload: VersionIn | None = None) -> dict:
    """Assign every pair in one transaction; refused as a whole (400) when a need is no longer
    open, a volunteer has left or would exceed their capacity; 409 when the version is stale."""
    proposal = _proposal(request, id)
    services.accept(proposal, by=request.user, version=(payload or VersionIn()).version)
    return _proposal_out(_proposal(request, id))
