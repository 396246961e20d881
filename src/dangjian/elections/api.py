"""API of elections (换届选举) at /api/v1/elections: list, election with candidates, the steps,
ballots (a voter's own, or a paper ballot entered by staff), the count and the approval.

The same service functions as the pages do the work, so permission checks, the rules of
《中国共产党基层组织选举工作条例》 and audit lines are shared; out of scope answers 404.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDateTime, not_null
from dangjian.elections import services
from dangjian.elections.choices import ElectionKind, ElectionState
from dangjian.elections.models import Candidate, Election, Round, RoundCandidate
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

router = Router(tags=["elections"])

VIEW = services.VIEW
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class CandidateOut(Schema):
    id: int
    member_id: int
    name: str
    order: int
    votes_for: int
    elected: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.member.person.name


class ElectionOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: str
    title: str
    seats: int
    term_years: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    state: str
    state_label: str
    expected_voters: int | None
    present_voters: int | None
    ballots_cast: int | None
    valid_ballots: int | None
    needs_revote: bool
    result_note: str
    committee_id: int | None
    decision_note: str

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class ElectionDetailOut(ElectionOut):
    version: int
    round: int
    minimum_candidates: int
    candidates: list[CandidateOut]
    rounds: list[RoundOut]

    @staticmethod
    def resolve_rounds(obj) -> list:
        return list(obj.rounds.all())

    @staticmethod
    def resolve_minimum_candidates(obj) -> int:
        return services.minimum_candidates(obj.seats, obj.kind)

    @staticmethod
    def resolve_candidates(obj) -> list:
        return list(obj.candidates.all())


class ElectionPage(Schema):
    items: list[ElectionOut]
    next: int | None = Field(description="Pass as `offset` for the next page; null on the last page.")


class ElectionListParams(Schema):
    org: int | None = Field(None, description="An organization: its elections and those of its subtree.")
    state: ElectionState | None = None
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ElectionCreate(InputSchema):
    org_id: int
    title: str = Field(max_length=200)
    kind: ElectionKind = ElectionKind.COMMITTEE
    seats: int = Field(ge=1, le=50)
    term_years: int | None = Field(None, ge=1, le=10)
    starts_at: EventDateTime
    ends_at: EventDateTime


class ElectionUpdate(InputSchema):
    """A PATCH of a draft election: only the fields given change; ``version`` is the one read."""

    version: int = Field(description="The election's version as read; a newer one answers 409.")
    title: str | None = Field(None, max_length=200)
    kind: ElectionKind | None = None
    seats: int | None = Field(None, ge=1, le=50)
    term_years: int | None = Field(None, ge=1, le=10)
    starts_at: EventDateTime | None = None
    ends_at: EventDateTime | None = None

    check_not_null = not_null("title", "kind", "seats", "term_years", "starts_at", "ends_at")


class FurtherRoundIn(InputSchema):
    starts_at: EventDateTime | None = Field(None, description="Default: now.")
    ends_at: EventDateTime | None = Field(None, description="Default: two hours after the start.")
    candidate_ids: list[int] | None = Field(
        None,
        max_length=100,
        description="Unfilled seats only: who stands (default: every candidate not elected). "
        "A tie always puts every tied candidate to the vote.",
    )


class RoundCandidateOut(Schema):
    candidate_id: int
    name: str
    votes_for: int
    elected: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.candidate.member.person.name


class RoundOut(Schema):
    number: int
    reason: str
    seats: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    present_voters: int | None
    ballots_cast: int | None
    valid_ballots: int | None
    result_note: str
    counted_at: datetime.datetime | None
    candidates: list[RoundCandidateOut]

    @staticmethod
    def resolve_candidates(obj) -> list:
        return list(obj.entries.all())


class CandidateIn(InputSchema):
    member_id: int


class BallotIn(InputSchema):
    candidate_ids: list[int] = Field(default_factory=list, max_length=100)


class PaperBallotIn(BallotIn):
    voter_id: int


class BallotOut(Schema):
    """That the voter has voted: the round, how and the day. No ballot id, time or marks: the
    ballot in the box is not linked to its voter, and nothing answered here may link it."""

    voter_id: int
    round: int
    method: str
    voted_on: datetime.date
    is_valid: bool = Field(
        description="Whether the ballot just cast is valid (more marks than seats make it invalid)."
    )

    @staticmethod
    def resolve_voter_id(obj) -> int:
        return obj.record.voter_id

    @staticmethod
    def resolve_round(obj) -> int:
        return obj.record.round

    @staticmethod
    def resolve_method(obj) -> str:
        return obj.record.method

    @staticmethod
    def resolve_voted_on(obj) -> datetime.date:
        return obj.record.recorded_on


class CountIn(InputSchema):
    present: int | None = Field(None, ge=0, description="Voters present; default: the ballots cast.")


class ApproveIn(InputSchema):
    note: str = Field("", max_length=1000)


class RejectIn(InputSchema):
    reason: str = Field(max_length=1000)


def _elections(request: HttpRequest):
    return Election.objects.visible_to(request.user).select_related("org")


def _visible(request: HttpRequest, id: int) -> Election:
    election = get_object_or_404(_elections(request), pk=id)
    if not scope_of(request.user).has_perm(VIEW, org_path=election.org.path):
        raise Http404
    return election


def _detail(request: HttpRequest, id: int) -> Election:
    """An election with its candidates and further rounds (a fixed number of queries)."""
    election = _visible(request, id)
    prefetch_related_objects(
        [election],
        Prefetch("candidates", queryset=Candidate.objects.select_related("member__person")),
        Prefetch(
            "rounds",
            queryset=Round.objects.order_by("number").prefetch_related(
                Prefetch(
                    "entries", queryset=RoundCandidate.objects.select_related("candidate__member__person")
                )
            ),
        ),
    )
    return election


@router.get("/", response=ElectionPage, url_name="election_list")
def election_list(request: HttpRequest, params: Query[ElectionListParams]) -> dict:
    """Elections in the caller's subtree, newest first."""
    if not scope_of(request.user).has_any(VIEW):
        raise PermissionDenied(gettext("You do not have permission to view elections."), rule="scope")
    elections = _elections(request).order_by("-starts_at", "-id")
    if params.org is not None:
        org = get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=params.org)
        elections = elections.filter(org__path__startswith=org.path)
    if params.state:
        elections = elections.filter(state=params.state.value)
    rows = list(elections[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


@router.post("/", response={201: ElectionDetailOut}, url_name="election_create")
def election_create(request: HttpRequest, payload: ElectionCreate) -> Status:
    org = get_object_or_404(
        Organization.objects.visible_to(request.user, "elections.add_election"), pk=payload.org_id
    )
    election = services.create_election(
        org,
        by=request.user,
        title=payload.title,
        kind=payload.kind.value,
        seats=payload.seats,
        term_years=payload.term_years,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )
    return Status(201, _detail(request, election.pk))


@router.get("/{id:id}", response=ElectionDetailOut, url_name="election_detail")
def election_detail(request: HttpRequest, id: int) -> Election:
    return _detail(request, id)


@router.patch("/{id:id}", response=ElectionDetailOut, url_name="election_update")
def election_update(request: HttpRequest, id: int, payload: ElectionUpdate) -> Election:
    """Edit a draft election (optimistic lock on ``version``; refused once candidates are confirmed)."""
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    if "kind" in fields and fields["kind"] is not None:
        fields["kind"] = fields["kind"].value if hasattr(fields["kind"], "value") else fields["kind"]
    services.update_election(_visible(request, id), by=request.user, expected_version=version, **fields)
    return _detail(request, id)


@router.post("/{id:id}/rounds", response={201: ElectionDetailOut}, url_name="election_further_round")
def election_further_round(request: HttpRequest, id: int, payload: FurtherRoundIn | None = None) -> Status:
    """Open a further round after the count: 再次投票 among the tied or 另行选举 for
    unfilled seats among those not elected (选举工作条例)."""
    payload = payload or FurtherRoundIn()
    services.open_further_round(
        _visible(request, id),
        by=request.user,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        candidate_ids=payload.candidate_ids,
    )
    return Status(201, _detail(request, id))


@router.post("/{id:id}/candidates", response={201: ElectionDetailOut}, url_name="election_candidate_add")
def candidate_add(request: HttpRequest, id: int, payload: CandidateIn) -> Status:
    election = _visible(request, id)
    member = get_object_or_404(PartyMember.objects.visible_to(request.user), pk=payload.member_id)
    services.add_candidate(election, by=request.user, member=member)
    return Status(201, _detail(request, id))


@router.delete(
    "/{id:id}/candidates/{id:candidate_id}",
    response=ElectionDetailOut,
    url_name="election_candidate_remove",
)
def candidate_remove(request: HttpRequest, id: int, candidate_id: int) -> Election:
    election = _visible(request, id)
    candidate = get_object_or_404(Candidate.objects.filter(election=election), pk=candidate_id)
    services.remove_candidate(candidate, by=request.user)
    return _detail(request, id)


@router.post("/{id:id}/confirm", response=ElectionDetailOut, url_name="election_confirm")
def election_confirm(request: HttpRequest, id: int) -> Election:
    """Fix the candidate list (差额: 20% more candidates than seats for a committee)."""
    services.confirm_candidates(_visible(request, id), by=request.user)
    return _detail(request, id)


@router.post("/{id:id}/open", response=ElectionDetailOut, url_name="election_open")
def election_open(request: HttpRequest, id: int) -> Election:
    services.open_voting(_visible(request, id), by=request.user)
    return _detail(request, id)


@router.post("/{id:id}/ballot", response={201: BallotOut}, url_name="election_ballot")
def election_ballot(request: HttpRequest, id: int, payload: BallotIn) -> Status:
    """The caller casts their own ballot (a voter of the organization, during the window, once)."""
    election = get_object_or_404(Election.objects.select_related("org"), pk=id)
    if services.voter_for(election, request.user) is None and not _elections(request).filter(pk=id).exists():
        raise Http404
    receipt = services.cast_ballot(election, user=request.user, candidate_ids=payload.candidate_ids)
    return Status(201, receipt)


@router.post("/{id:id}/paper-ballots", response={201: BallotOut}, url_name="election_paper_ballot")
def election_paper_ballot(request: HttpRequest, id: int, payload: PaperBallotIn) -> Status:
    """Staff enter a paper ballot; more marks than seats store it as invalid."""
    election = _visible(request, id)
    voter = get_object_or_404(
        PartyMember.objects.visible_to(request.user).select_related("person"), pk=payload.voter_id
    )
    receipt = services.enter_paper_ballot(
        election, by=request.user, voter=voter, candidate_ids=payload.candidate_ids
    )
    return Status(201, receipt)


@router.post("/{id:id}/count", response=ElectionDetailOut, url_name="election_count")
def election_count(request: HttpRequest, id: int, payload: CountIn | None = None) -> Election:
    """Close the ballot box and count (quorum more than 4/5; elected with more than half)."""
    services.close_and_count(_visible(request, id), by=request.user, present=(payload or CountIn()).present)
    return _detail(request, id)


@router.post("/{id:id}/submit", response=ElectionDetailOut, url_name="election_submit")
def election_submit(request: HttpRequest, id: int) -> Election:
    services.submit_results(_visible(request, id), by=request.user)
    return _detail(request, id)


@router.post("/{id:id}/approve", response=ElectionDetailOut, url_name="election_approve")
def election_approve(request: HttpRequest, id: int, payload: ApproveIn | None = None) -> Election:
    """The superior committee approves: the new committee and its term are recorded."""
    services.approve_results(_visible(request, id), by=request.user, note=(payload or ApproveIn()).note)
    return _detail(request, id)


@router.post("/{id:id}/reject", response=ElectionDetailOut, url_name="election_reject")
def election_reject(request: HttpRequest, id: int, payload: RejectIn) -> Election:
    services.reject_results(_visible(request, id), by=request.user, reason=payload.reason)
    return _detail(request, id)
