"""API of 党员积分 at /api/v1/member-points: the rule table, an organization's ledger, a member's
entries and the ranking — the same selectors and scoping as the pages — and the two changes of
the pages by hand: an award or deduction with a reason, and the reversal of an entry, through
the same service functions. Organizations, members and entries outside the caller's scope answer
404."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.periods import Period
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDate
from dangjian.member_points import services
from dangjian.member_points.models import PointEntry, PointRule
from dangjian.member_points.selectors import ledger_rows, members_of, ranking
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

router = Router(tags=["member_points"])

VIEW = "member_points.view_pointentry"
VIEW_RULES = "member_points.view_pointrule"
ADD = services.ADD_ENTRY
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class RuleOut(Schema):
    id: int
    source_key: str
    name: str
    points_per_unit: Decimal
    monthly_cap: Decimal | None
    active_from: datetime.date
    active_to: datetime.date | None
    org_id: int | None
    note: str
    version: int


class EntryOut(Schema):
    id: int
    person_id: int
    org_id: int
    month: datetime.date
    occurred_on: datetime.date
    rule_id: int | None
    source_key: str
    source_id: str
    quantity: Decimal
    points: Decimal
    kind: str
    reason: str
    reverses_id: int | None


class LedgerRowOut(Schema):
    member_id: int
    person_id: int
    name: str
    org_id: int
    months: list[Decimal] = Field(description="Points of January to December.")
    total: Decimal


class RankOut(Schema):
    member_id: int
    person_id: int
    name: str
    org_id: int
    total: Decimal
    rank: int


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class OrgYearParams(PageParams):
    year: int = Field(default_factory=lambda: timezone.localdate().year, ge=2000, le=2100)


class RankingParams(OrgYearParams):
    month: int | None = Field(None, ge=1, le=12)


class RulePage(Schema):
    items: list[RuleOut]
    next: int | None = None


class EntryPage(Schema):
    items: list[EntryOut]
    next: int | None = None


class LedgerPage(Schema):
    year: int
    items: list[LedgerRowOut]
    next: int | None = None


class RankingPage(Schema):
    period: str
    items: list[RankOut]
    next: int | None = None


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class AwardIn(InputSchema):
    member_id: int
    points: Decimal = Field(
        ge=-services.MAX_MANUAL_POINTS,
        le=services.MAX_MANUAL_POINTS,
        description="Positive to award, negative to deduct; non-zero, in hundredths.",
    )
    # Longer than the service allows, so that its message (300 characters at most) is the answer.
    reason: str = Field(max_length=1000)
    occurred_on: EventDate | None = Field(None, description="Default: today; never in the future.")


class ReversalIn(InputSchema):
    reason: str = Field(max_length=1000)


def _slice(queryset, params: PageParams) -> tuple[list, int | None]:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return rows[: params.limit], params.offset + params.limit if has_next else None


def _require_any(request: HttpRequest, permission: str = VIEW) -> None:
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied(gettext("You do not have permission to view member points."), rule="scope")


def _org(request: HttpRequest, pk: int) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(request.user, VIEW), pk=pk)


@router.get("/rules", response=RulePage, url_name="member_points_rule_list")
def rule_list(request: HttpRequest, params: Query[PageParams]) -> dict:
    _require_any(request, VIEW_RULES)
    rules, following = _slice(
        PointRule.objects.visible_to(request.user).order_by("source_key", "-active_from", "id"), params
    )
    return {"items": rules, "next": following}


@router.get("/orgs/{id:id}/ledger", response=LedgerPage, url_name="member_points_ledger")
def ledger(request: HttpRequest, id: int, params: Query[OrgYearParams]) -> dict:
    """Members of an organization's subtree with their points per month of the year."""
    _require_any(request)
    org = _org(request, id)
    members, following = _slice(members_of(org), params)
    rows, _columns, _grand = ledger_rows(members, org, params.year)
    return {
        "year": params.year,
        "items": [
            {
                "member_id": row.member.pk,
                "person_id": row.member.person_id,
                "name": row.member.person.name,
                "org_id": row.member.org_id,
                "months": row.months,
                "total": row.total,
            }
            for row in rows
        ],
        "next": following,
    }


@router.get("/members/{id:id}/entries", response=EntryPage, url_name="member_points_member_entries")
def member_entries(request: HttpRequest, id: int, params: Query[PageParams]) -> dict:
    """A member's entries in the caller's scope, newest first."""
    _require_any(request)
    member = get_object_or_404(PartyMember.objects.visible_to(request.user, VIEW), pk=id)
    entries = (
        PointEntry.objects.visible_to(request.user)
        .filter(person_id=member.person_id)
        .order_by("-occurred_on", "-id")
    )
    items, following = _slice(entries, params)
    return {"items": items, "next": following}


@router.get("/orgs/{id:id}/ranking", response=RankingPage, url_name="member_points_ranking")
def ranking_list(request: HttpRequest, id: int, params: Query[RankingParams]) -> dict:
    """Members ranked by points in the year (or one month of it); ties share a rank (dense)."""
    _require_any(request)
    org = _org(request, id)
    period = Period.month(params.year, params.month) if params.month else Period.year(params.year)
    members, following = _slice(ranking(org, period), params)
    return {
        "period": period.label,
        "items": [
            {
                "member_id": member.pk,
                "person_id": member.person_id,
                "name": member.person.name,
                "org_id": member.org_id,
                "total": member.total,
                "rank": member.rank,
            }
            for member in members
        ],
        "next": following,
    }


@router.post("/awards", response={201: EntryOut}, url_name="member_points_award")
def award(request: HttpRequest, payload: AwardIn) -> Status:
    """Award or deduct points by hand to a member, with a reason (audited), as the member's page
    does. Each call enters one entry: a repeated call enters another."""
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user, ADD).select_related("person", "org"),
        pk=payload.member_id,
    )
    entry = services.award_points(
        by=request.user,
        member=member,
        points=payload.points,
        reason=payload.reason,
        occurred_on=payload.occurred_on,
    )
    return Status(201, entry)


@router.post("/entries/{id:id}/reversal", response={201: EntryOut}, url_name="member_points_entry_reversal")
def entry_reversal(request: HttpRequest, id: int, payload: ReversalIn) -> Status:
    """Correct an entry by a reversing entry with a reason (the entry itself stays). An entry is
    reversed once: a second reversal answers 400 ``already_reversed``, 409 when two arrive at once."""
    entry = get_object_or_404(PointEntry.objects.visible_to(request.user, ADD).select_related("org"), pk=id)
    return Status(201, services.reverse_entry(entry, by=request.user, reason=payload.reason))
