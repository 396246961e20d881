"""API of transfers (组织关系转接) at /api/v1/members/transfers: list, letter, initiate, accept, return.

The same service functions as the pages do the work, so permission checks, rules and audit
lines are shared; a letter outside the caller's scope answers 404.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import ORG, scope_of
from dangjian.members import services
from dangjian.members.choices import TransferState
from dangjian.members.forms import receiving_orgs
from dangjian.members.models import PartyMember, Transfer

router = Router(tags=["members"])

VIEW = "members.view_transfer"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class TransferOut(Schema):
    id: int
    letter_number: str
    member_id: int
    member_name: str
    from_org_id: int
    from_org_name: str
    to_org_id: int
    to_org_name: str
    state: str
    state_label: str
    valid_until: datetime.date
    reason: str
    initiated_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name

    @staticmethod
    def resolve_from_org_name(obj) -> str:
        return obj.from_org.name

    @staticmethod
    def resolve_to_org_name(obj) -> str:
        return obj.to_org.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class TransferPage(Schema):
    items: list[TransferOut]
    next: int | None = Field(description="Pass as `offset` for the next page; null on the last page.")


class TransferListParams(Schema):
    state: TransferState | None = None
    direction: str | None = Field(None, pattern="^(in|out)$", description="`in` (incoming) or `out`.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class TransferCreate(InputSchema):
    member_id: int
    to_org_id: int
    reason: str = Field("", max_length=500)


class AcceptIn(InputSchema):
    note: str = Field("", max_length=500)


class ReturnIn(InputSchema):
    reason: str = Field(max_length=500)


def _transfers(request: HttpRequest):
    return Transfer.objects.visible_to(request.user).select_related("member__person", "from_org", "to_org")


def _visible(request: HttpRequest, id: int) -> Transfer:
    """A letter the caller may read: in scope, with ``view_transfer`` over one of its sides."""
    transfer = get_object_or_404(_transfers(request), pk=id)
    scope = scope_of(request.user)
    if not any(scope.has_perm(VIEW, org_path=org.path) for org in (transfer.from_org, transfer.to_org)):
        raise Http404
    return transfer


@router.get("/transfers", response=TransferPage, url_name="transfer_list")
def transfer_list(request: HttpRequest, params: Query[TransferListParams]) -> dict:
    """Letters into and out of the caller's organizations, newest first."""
    scope = scope_of(request.user)
    if not scope.has_any(VIEW):
        raise PermissionDenied(gettext("You do not have permission to view transfers."), rule="scope")
    transfers = _transfers(request).order_by("-initiated_at", "-id")
    if params.state:
        transfers = transfers.filter(state=params.state.value)
    if params.direction == "in":
        transfers = transfers.filter(scope.q(ORG, "to_org__path"))
    elif params.direction == "out":
        transfers = transfers.filter(scope.q(ORG, "from_org__path"))
    rows = list(transfers[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


@router.post("/transfers", response={201: TransferOut}, url_name="transfer_create")
def transfer_create(request: HttpRequest, payload: TransferCreate) -> Status:
    """Initiate a transfer of ``member_id`` to ``to_org_id`` (an active branch anywhere in the system)."""
    member = get_object_or_404(PartyMember.objects.visible_to(request.user), pk=payload.member_id)
    to_org = get_object_or_404(receiving_orgs(), pk=payload.to_org_id)
    transfer = services.initiate_transfer(member, to_org=to_org, by=request.user, reason=payload.reason)
    return Status(201, _visible(request, transfer.pk))


@router.get("/transfers/{int:id}", response=TransferOut, url_name="transfer_detail")
def transfer_detail(request: HttpRequest, id: int) -> Transfer:
    return _visible(request, id)


@router.post("/transfers/{int:id}/accept", response=TransferOut, url_name="transfer_accept")
def transfer_accept(request: HttpRequest, id: int, payload: AcceptIn | None = None) -> Transfer:
    """The receiving organization accepts: the member moves (refused when stale, decided or expired)."""
    transfer = services.accept_transfer(
        _visible(request, id), by=request.user, note=(payload or AcceptIn()).note
    )
    return _visible(request, transfer.pk)


@router.post("/transfers/{int:id}/return", response=TransferOut, url_name="transfer_return")
def transfer_return(request: HttpRequest, id: int, payload: ReturnIn) -> Transfer:
    """The receiving organization returns the letter with a reason; the member stays."""
    transfer = services.return_transfer(_visible(request, id), by=request.user, reason=payload.reason)
    return _visible(request, transfer.pk)
