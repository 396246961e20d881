"""API of party dues at /api/v1/dues: declarations and payments (list, create), a branch's
monthly sheet and the arrears of a subtree.

The same service functions and ledger readers as the pages do the work, so rules, permission
checks and audit lines are shared; an organization or member outside the caller's scope
answers 404.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.core.validators import AnyDate, EventDate
from dangjian.dues import services
from dangjian.dues.choices import DuesCategory, PaymentMethod
from dangjian.dues.ledger import arrears_window, behind, current_month, leaving, ledgers, month_of
from dangjian.dues.models import DuesDeclaration, DuesPayment
from dangjian.dues.sheet import sheet_members, sheet_rows, sheet_totals
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

router = Router(tags=["dues"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class DeclarationOut(Schema):
    id: int
    member_id: int
    member_name: str
    year: int
    category: str
    category_label: str
    base: Decimal
    monthly_amount: Decimal
    declared_on: datetime.date

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.get_category_display())


class DeclarationPage(Schema):
    items: list[DeclarationOut]
    next: int | None


class DeclarationParams(PageParams):
    org_id: int | None = None
    year: int | None = Field(None, ge=2008, le=2100)


class DeclarationIn(InputSchema):
    member_id: int
    year: int
    category: DuesCategory
    base: Decimal | None = None
    declared_on: EventDate | None = None


class PaymentOut(Schema):
    id: int
    member_id: int
    member_name: str
    org_id: int
    month: datetime.date
    amount_due: Decimal
    amount_paid: Decimal
    paid_on: datetime.date
    method: str
    method_label: str
    receipt_number: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name

    @staticmethod
    def resolve_method_label(obj) -> str:
        return str(obj.get_method_display())


class PaymentPage(Schema):
    items: list[PaymentOut]
    next: int | None


class PaymentParams(PageParams):
    org_id: int | None = None
    member_id: int | None = None
    month: AnyDate | None = Field(None, description="Any day of the month; e.g. 2026-11-01.")


class PaymentIn(InputSchema):
    member_id: int
    month: EventDate = Field(description="Any day of the month paid for.")
    amount_paid: Decimal
    method: PaymentMethod
    paid_on: EventDate | None = None
    receipt_number: str = Field("", max_length=32)
    note: str = Field("", max_length=200)


class SheetRowOut(Schema):
    member_id: int
    member_name: str
    org_id: int
    status: str
    category: str | None
    base: Decimal | None
    owed: bool
    waived: bool
    amount_due: Decimal | None
    amount_paid: Decimal | None
    paid_on: datetime.date | None
    method: str | None
    receipt_number: str | None
    arrears_months: int
    unpaid_in_a_row: int


class SheetOut(Schema):
    org_id: int
    org_name: str
    month: datetime.date
    paid_count: int
    paid_total: Decimal
    rows: list[SheetRowOut]
    next: int | None


class SheetParams(PageParams):
    month: AnyDate | None = None


class ArrearsOut(Schema):
    member_id: int
    member_name: str
    org_id: int
    org_name: str
    unpaid_months: list[datetime.date]
    unpaid_in_a_row: int


class ArrearsPage(Schema):
    items: list[ArrearsOut]
    next: int | None


class ArrearsParams(PageParams):
    org_id: int | None = None
    six_months: bool = Field(False, description="Only members with six months in a row unpaid.")


def _require_any(request: HttpRequest, permission: str) -> None:
    if not scope_of(request.user).has_any(permission):
        raise PermissionDenied(
            gettext("You do not have permission to do this within this scope."), rule="scope"
        )


def _org(request: HttpRequest, org_id: int, permission: str) -> Organization:
    org = get_object_or_404(Organization.objects.visible_to(request.user, permission), pk=org_id)
    if not scope_of(request.user).has_perm(permission, org_path=org.path):
        raise PermissionDenied(
            gettext("You do not have permission to do this within this scope."), rule="scope"
        )
    return org


def _page(rows: list, params: PageParams) -> tuple[list, int | None]:
    has_next = len(rows) > params.limit
    return rows[: params.limit], params.offset + params.limit if has_next else None


@router.get("/declarations", response=DeclarationPage, url_name="dues_declaration_list")
def declaration_list(request: HttpRequest, params: Query[DeclarationParams]) -> dict:
    """Declarations in the caller's scope, by year (newest first), filtered by organization subtree."""
    _require_any(request, "dues.view_duesdeclaration")
    declarations = DuesDeclaration.objects.visible_to(request.user).select_related("member__person")
    if params.org_id:
        org = _org(request, params.org_id, "dues.view_duesdeclaration")
        declarations = declarations.filter(member__org__path__startswith=org.path)
    if params.year:
        declarations = declarations.filter(year=params.year)
    rows = list(
        declarations.order_by("-year", "member_id", "id")[params.offset : params.offset + params.limit + 1]
    )
    items, next_offset = _page(rows, params)
    return {"items": items, "next": next_offset}


@router.post("/declarations", response={201: DeclarationOut}, url_name="dues_declaration_create")
def declaration_create(request: HttpRequest, payload: DeclarationIn) -> Status:
    """Declare (or correct) a member's yearly base; the monthly amount follows 中组发〔2008〕3号."""
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user, "dues.add_duesdeclaration"), pk=payload.member_id
    )
    declaration = services.declare_base(
        member,
        year=payload.year,
        category=payload.category.value,
        base=payload.base,
        declared_on=payload.declared_on,
        by=request.user,
    )
    return Status(201, DuesDeclaration.objects.select_related("member__person").get(pk=declaration.pk))


@router.get("/payments", response=PaymentPage, url_name="dues_payment_list")
def payment_list(request: HttpRequest, params: Query[PaymentParams]) -> dict:
    """Payments in the caller's scope, newest month first."""
    _require_any(request, "dues.view_duespayment")
    payments = DuesPayment.objects.visible_to(request.user).select_related("member__person")
    if params.org_id:
        org = _org(request, params.org_id, "dues.view_duespayment")
        payments = payments.filter(member__org__path__startswith=org.path)
    if params.member_id:
        payments = payments.filter(member_id=params.member_id)
    if params.month:
        payments = payments.filter(month=month_of(params.month))
    rows = list(
        payments.order_by("-month", "member_id", "id")[params.offset : params.offset + params.limit + 1]
    )
    items, next_offset = _page(rows, params)
    return {"items": items, "next": next_offset}


@router.post("/payments", response={201: PaymentOut}, url_name="dues_payment_create")
def payment_create(request: HttpRequest, payload: PaymentIn) -> Status:
    """Record one month's dues; a second payment of the same month is refused, paying more is allowed."""
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user, "dues.add_duespayment"), pk=payload.member_id
    )
    payment = services.record_payment(
        member,
        month=month_of(payload.month),
        amount_paid=payload.amount_paid,
        method=payload.method.value,
        paid_on=payload.paid_on,
        receipt_number=payload.receipt_number,
        note=payload.note,
        by=request.user,
    )
    return Status(201, DuesPayment.objects.select_related("member__person").get(pk=payment.pk))


@router.get("/orgs/{id:org_id}/sheet", response=SheetOut, url_name="dues_sheet")
def sheet(request: HttpRequest, org_id: int, params: Query[SheetParams]) -> dict:
    """The monthly sheet of an organization, one page of members (the page's data)."""
    org = _org(request, org_id, "dues.view_duespayment")
    month = month_of(params.month) if params.month else current_month()
    members, next_offset = _page(
        list(sheet_members(org)[params.offset : params.offset + params.limit + 1]), params
    )
    totals = sheet_totals(org, month)
    rows = []
    for row in sheet_rows(members, month):
        payment = row.payment
        rows.append(
            {
                "member_id": row.member.pk,
                "member_name": row.member.person.name,
                "org_id": row.member.org_id,
                "status": row.member.status,
                "category": row.declaration.category if row.declaration else None,
                "base": row.base,
                "owed": row.due.owed,
                "waived": row.due.waived,
                "amount_due": row.due.amount if row.due.owed else Decimal("0.00"),
                "amount_paid": payment.amount_paid if payment else None,
                "paid_on": payment.paid_on if payment else None,
                "method": payment.method if payment else None,
                "receipt_number": payment.receipt_number if payment else None,
                "arrears_months": row.arrears,
                "unpaid_in_a_row": row.streak,
            }
        )
    return {
        "org_id": org.pk,
        "org_name": org.name,
        "month": month,
        "paid_count": totals["count"],
        "paid_total": totals["paid"],
        "rows": rows,
        "next": next_offset,
    }


@router.get("/arrears", response=ArrearsPage, url_name="dues_arrears")
def arrears(request: HttpRequest, params: Query[ArrearsParams]) -> dict:
    """Members in arrears (the last month that is over unpaid), or only the six months' cases."""
    _require_any(request, "dues.view_duespayment")
    members = PartyMember.objects.visible_to(request.user, "dues.view_duespayment").select_related(
        "person", "org"
    )
    if params.org_id:
        org = _org(request, params.org_id, "dues.view_duespayment")
        members = members.filter(org__path__startswith=org.path)
    members = leaving(members) if params.six_months else behind(members)
    page, next_offset = _page(
        list(
            members.order_by("org__path", "person__name_pinyin", "id")[
                params.offset : params.offset + params.limit + 1
            ]
        ),
        params,
    )
    first, last = arrears_window()
    books = ledgers(page, first=first, last=last)
    items = [
        {
            "member_id": member.pk,
            "member_name": member.person.name,
            "org_id": member.org_id,
            "org_name": member.org.name,
            "unpaid_months": books[member.pk].unpaid_months(last),
            "unpaid_in_a_row": books[member.pk].unpaid_streak(last),
        }
        for member in page
    ]
    return {"items": items, "next": next_offset}
