"""API of proposals at /api/v1/proposals: staff list, read, respond to and hide the proposals to
their organizations; a member proposes and supports; the public list and detail answer without a
login, the proposer masked. Records outside the caller's scope answer 404."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.orgs.models import Organization
from dangjian.proposals import services
from dangjian.proposals.choices import ProposalState
from dangjian.proposals.models import Proposal
from dangjian.proposals.roles import VIEW
from dangjian.proposals.views import own_member

router = Router(tags=["proposals"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class ProposalOut(Schema):
    id: int
    org_id: int
    org_name: str
    title: str
    text: str
    proposer: str = Field(description="The name (staff only).")
    state: ProposalState
    supports: int
    threshold: int
    response: str
    response_link: str
    is_hidden: bool
    created_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_proposer(obj) -> str:
        return obj.proposer_person.name if obj.proposer_person_id else obj.proposer_name


class PublicProposalOut(Schema):
    """A proposal as residents see it: the proposer masked, no phone."""

    id: int
    org_name: str
    title: str
    text: str
    proposer: str
    state: ProposalState
    supports: int
    threshold: int
    response: str
    response_link: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_proposer(obj) -> str:
        return services.masked_name(obj.proposer_person.name if obj.proposer_person_id else obj.proposer_name)


class ProposalPage(Schema):
    items: list[ProposalOut]
    next: int | None = None


class PublicProposalPage(Schema):
    items: list[PublicProposalOut]
    next: int | None = None


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class ListParams(PageParams):
    state: ProposalState | None = None


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ProposalIn(InputSchema):
    org_id: int = Field(ge=1, le=2**63 - 1)
    title: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=2000)


class RespondIn(InputSchema):
    accept: bool
    response: str = Field(min_length=1, max_length=2000)
    link: str = Field("", max_length=200)
    version: int | None = Field(None, ge=1, le=2**31)


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=200)


class SupportOut(Schema):
    added: bool
    supports: int
    state: ProposalState


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _staff(request: HttpRequest, id: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related("org", "proposer_person"), pk=id
    )


def _public():
    return Proposal.objects.filter(is_hidden=False).select_related("org", "proposer_person")


@router.get("", response=ProposalPage, url_name="proposal_list")
def proposal_list(request: HttpRequest, params: Query[ListParams]) -> dict:
    if not scope_of(request.user).has_any(VIEW):
        raise PermissionDenied(gettext("You do not have permission to view proposals."), rule="scope")
    proposals = Proposal.objects.visible_to(request.user).select_related("org", "proposer_person")
    if params.state:
        proposals = proposals.filter(state=params.state.value)
    return _page(proposals.order_by("-created_at", "-id"), params)


@router.post("", response={201: PublicProposalOut}, url_name="proposal_create")
def proposal_create(request: HttpRequest, payload: ProposalIn) -> Status:
    """The caller, a party member, proposes to their organization or one above it."""
    member = own_member(request.user)
    org = Organization.objects.filter(pk=payload.org_id).first()
    if member is None or org is None or not member.org.path.startswith(org.path):
        raise Http404
    proposal = services.propose_as_member(
        member, by=request.user, org=org, title=payload.title, text=payload.text
    )
    return Status(201, _public().get(pk=proposal.pk))


@router.get("/public", response=PublicProposalPage, auth=None, url_name="proposal_public_list")
def public_list(request: HttpRequest, params: Query[ListParams]) -> dict:
    proposals = _public()
    if params.state:
        proposals = proposals.filter(state=params.state.value)
    return _page(proposals.order_by("-created_at", "-id"), params)


@router.get("/public/{id:id}", response=PublicProposalOut, auth=None, url_name="proposal_public_detail")
def public_detail(request: HttpRequest, id: int) -> Proposal:
    return get_object_or_404(_public(), pk=id)


@router.get("/{id:id}", response=ProposalOut, url_name="proposal_detail")
def proposal_detail(request: HttpRequest, id: int) -> Proposal:
    return _staff(request, id)


@router.post("/{id:id}/support", response=SupportOut, url_name="proposal_support")
def proposal_support(request: HttpRequest, id: int) -> dict:
    """The caller, a party member, supports the proposal (once)."""
    member = own_member(request.user)
    proposal = _public().filter(pk=id).first()
    if member is None or proposal is None:
        raise Http404
    added = services.support_as_member(proposal, member, by=request.user)
    proposal.refresh_from_db()
    return {"added": added, "supports": proposal.supports, "state": proposal.state}


@router.post("/{id:id}/respond", response=ProposalOut, url_name="proposal_respond")
def proposal_respond(request: HttpRequest, id: int, payload: RespondIn) -> Proposal:
    services.respond(
        _staff(request, id),
        by=request.user,
        accept=payload.accept,
        response=payload.response,
        link=payload.link,
        version=payload.version,
    )
    return _staff(request, id)


@router.post("/{id:id}/hide", response=ProposalOut, url_name="proposal_hide")
def proposal_hide(request: HttpRequest, id: int, payload: ReasonIn) -> Proposal:
    services.hide(_staff(request, id), by=request.user, reason=payload.reason)
    return _staff(request, id)
