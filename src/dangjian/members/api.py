"""API of transfers (组织关系转接) at /api/v1/members/transfers: list, letter, initiate, accept, return,
and the letters to and from organizations outside the system (issue, register, receipt).

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

from dangjian.core.choices import Gender
from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import ORG, scope_of
from dangjian.core.validators import BirthDate, PartyDate
from dangjian.members import services
from dangjian.members.choices import MemberStatus, TransferState
from dangjian.members.forms import receiving_orgs
from dangjian.members.models import PartyMember, Transfer
from dangjian.orgs.models import Organization

router = Router(tags=["members"])

VIEW = "members.view_transfer"
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class TransferOut(Schema):
    id: int
    letter_number: str
    direction: str
    member_id: int | None
    member_name: str
    from_org_id: int | None = Field(description="Null for a letter from outside the system.")
    from_org_name: str
    to_org_id: int | None = Field(description="Null for a letter to outside the system.")
    to_org_name: str
    external_org_name: str
    external_letter_number: str = Field(
        description="The issuing organization's own number of a letter from outside the system."
    )
    incoming_status: MemberStatus | None = Field(
        description="What a letter from outside states: full or probationary member; null for others."
    )
    incoming_joined_on: datetime.date | None = Field(
        description="The admission date a letter from outside states (applied when it is accepted)."
    )
    incoming_regularized_on: datetime.date | None = Field(
        description="The date of becoming a full member a letter from outside states."
    )
    state: str
    state_label: str
    valid_until: datetime.date
    reason: str
    initiated_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        if obj.member_id is not None:
            return obj.member.person.name
        return obj.incoming_person.name if obj.incoming_person_id else ""

    @staticmethod
    def resolve_from_org_name(obj) -> str:
        return obj.from_org.name if obj.from_org_id else obj.external_org_name

    @staticmethod
    def resolve_to_org_name(obj) -> str:
        return obj.to_org.name if obj.to_org_id else obj.external_org_name

    @staticmethod
    def resolve_incoming_status(obj) -> str | None:
        return obj.incoming_status or None

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


class OutgoingCreate(InputSchema):
    member_id: int
    external_org_name: str = Field(min_length=1, max_length=200)
    reason: str = Field("", max_length=500)


class IncomingCreate(InputSchema):
    to_org_id: int
    external_org_name: str = Field(min_length=1, max_length=200)
    external_letter_number: str = Field("", max_length=64, description="The issuing organization's number.")
    name: str = Field(min_length=1, max_length=64)
    gender: Gender
    ethnicity: str = Field("汉族", max_length=16)
    id_number: str = Field(min_length=1, max_length=18)
    birth_date: BirthDate | None = None
    status: MemberStatus
    joined_on: PartyDate
    regularized_on: PartyDate | None = None
    reason: str = Field("", max_length=500)


class AcceptIn(InputSchema):
    note: str = Field("", max_length=500)


class ReturnIn(InputSchema):
    reason: str = Field(max_length=500)


def _transfers(request: HttpRequest):
    return Transfer.objects.visible_to(request.user).select_related(
        "member__person", "incoming_person", "from_org", "to_org"
    )


def _visible(request: HttpRequest, id: int) -> Transfer:
    """A letter the caller may read: in scope, with ``view_transfer`` over one of its sides."""
    transfer = get_object_or_404(_transfers(request), pk=id)
    scope = scope_of(request.user)
    sides = [org for org in (transfer.from_org, transfer.to_org) if org is not None]
    if not any(scope.has_perm(VIEW, org_path=org.path) for org in sides):
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
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user, "members.add_transfer"), pk=payload.member_id
    )
    to_org = get_object_or_404(receiving_orgs(), pk=payload.to_org_id)
    transfer = services.initiate_transfer(member, to_org=to_org, by=request.user, reason=payload.reason)
    return Status(201, _visible(request, transfer.pk))


@router.get("/transfers/{id:id}", response=TransferOut, url_name="transfer_detail")
def transfer_detail(request: HttpRequest, id: int) -> Transfer:
    return _visible(request, id)


@router.post("/transfers/{id:id}/accept", response=TransferOut, url_name="transfer_accept")
def transfer_accept(request: HttpRequest, id: int, payload: AcceptIn | None = None) -> Transfer:
    """The receiving organization accepts: the member moves (refused when stale, decided or expired)."""
    transfer = services.accept_transfer(
        _visible(request, id), by=request.user, note=(payload or AcceptIn()).note
    )
    return _visible(request, transfer.pk)


@router.post("/transfers/{id:id}/return", response=TransferOut, url_name="transfer_return")
def transfer_return(request: HttpRequest, id: int, payload: ReturnIn) -> Transfer:
    """The receiving organization returns the letter with a reason; the member stays."""
    transfer = services.return_transfer(_visible(request, id), by=request.user, reason=payload.reason)
    return _visible(request, transfer.pk)


@router.post("/transfers/outgoing", response={201: TransferOut}, url_name="transfer_outgoing_create")
def transfer_outgoing_create(request: HttpRequest, payload: OutgoingCreate) -> Status:
    """Issue a letter for ``member_id`` to a party organization outside the system (by name)."""
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user, "members.add_transfer"), pk=payload.member_id
    )
    transfer = services.issue_outgoing_letter(
        member, external_org_name=payload.external_org_name, by=request.user, reason=payload.reason
    )
    return Status(201, _visible(request, transfer.pk))


@router.post("/transfers/incoming", response={201: TransferOut}, url_name="transfer_incoming_create")
def transfer_incoming_create(request: HttpRequest, payload: IncomingCreate) -> Status:
    """Register a letter from outside the system for the branch ``to_org_id`` (accept it to add the member)."""
    to_org = get_object_or_404(
        Organization.objects.filter(scope_of(request.user).q(ORG, "path")), pk=payload.to_org_id
    )
    transfer = services.register_incoming_letter(
        to_org=to_org,
        external_org_name=payload.external_org_name,
        external_letter_number=payload.external_letter_number,
        name=payload.name,
        gender=payload.gender.value,
        ethnicity=payload.ethnicity,
        id_number=payload.id_number,
        birth_date=payload.birth_date,
        status=payload.status.value,
        joined_on=payload.joined_on,
        regularized_on=payload.regularized_on,
        by=request.user,
        reason=payload.reason,
    )
    return Status(201, _visible(request, transfer.pk))


@router.post("/transfers/{id:id}/receipt", response=TransferOut, url_name="transfer_receipt")
def transfer_receipt(request: HttpRequest, id: int, payload: AcceptIn | None = None) -> Transfer:
    """Record the 回执 of a letter to outside the system: the member leaves the ledger."""
    transfer = services.record_receipt(
        _visible(request, id), by=request.user, note=(payload or AcceptIn()).note
    )
    return _visible(request, transfer.pk)
