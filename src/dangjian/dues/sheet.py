"""The monthly dues sheet of a branch (党费收缴表): every active member with the month's amount
due, the payment, and the months in arrears. The page, its Excel export and the API share it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.excel import Column
from dangjian.dues.ledger import (
    LEAVING_STREAK,
    MonthDue,
    add_months,
    arrears_window,
    ledgers,
)
from dangjian.dues.models import DuesPayment
from dangjian.dues.rules import FEN
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

EXPORT_CHUNK = 500


@dataclass
class SheetRow:
    member: PartyMember
    month: datetime.date
    due: MonthDue
    payment: DuesPayment | None
    unpaid_months: list[datetime.date]
    streak: int

    @property
    def declaration(self):
        return self.due.declaration

    @property
    def category_label(self) -> str:
        return str(self.declaration.get_category_display()) if self.declaration else ""

    @property
    def base(self) -> Decimal | None:
        return self.declaration.base if self.declaration else None

    @property
    def arrears(self) -> int:
        return len(self.unpaid_months)

    @property
    def is_leaving(self) -> bool:
        """Six months in a row unpaid without an approved reduction (党章第九条)."""
        return self.streak >= LEAVING_STREAK

    @property
    def can_pay(self) -> bool:
        return self.payment is None and self.due.owed and self.due.amount is not None


def sheet_members(org: Organization) -> QuerySet[PartyMember]:
    """The active members on the sheet of ``org``: its own and its party groups', by name."""
    return (
        PartyMember.objects.filter(org__path__startswith=org.path, is_active=True)
        .select_related("person", "org")
        .order_by("person__name_pinyin", "id")
    )


def sheet_rows(
    members: Iterable[PartyMember], month: datetime.date, today: datetime.date | None = None
) -> list[SheetRow]:
    """Rows of ``members`` for ``month``: three queries whatever the number of members."""
    members = list(members)
    window_first, window_last = arrears_window(today)
    books = ledgers(members, first=min(month, window_first), last=max(month, window_last))
    rows = []
    for member in members:
        book = books[member.pk]
        rows.append(
            SheetRow(
                member=member,
                month=month,
                due=book.due(month),
                payment=book.payments.get(month),
                unpaid_months=book.unpaid_months(window_last),
                streak=book.unpaid_streak(window_last),
            )
        )
    return rows


def sheet_totals(org: Organization, month: datetime.date) -> dict:
    """Payments of the month over the whole sheet (all pages): one query."""
    totals = DuesPayment.objects.filter(
        member__org__path__startswith=org.path, member__is_active=True, month=month
    ).aggregate(count=Count("id"), due=Sum("amount_due"), paid=Sum("amount_paid"))
    return {
        "count": totals["count"] or 0,
        "due": Decimal(totals["due"] or 0).quantize(FEN),
        "paid": Decimal(totals["paid"] or 0).quantize(FEN),
    }


def all_rows(
    org: Organization, month: datetime.date, today: datetime.date | None = None
) -> Iterator[SheetRow]:
    """Every row of the sheet, computed in chunks (for the export)."""
    members = sheet_members(org)
    last_id = None
    ordered = members.order_by("id")
    while True:
        chunk = list((ordered.filter(id__gt=last_id) if last_id else ordered)[:EXPORT_CHUNK])
        if not chunk:
            return
        last_id = chunk[-1].id
        yield from sheet_rows(chunk, month, today)


EXPORT_COLUMNS = [
    Column("name", pgettext_lazy("dues", "Name"), width=12),
    Column("org", _("Organization"), width=28),
    Column("status", _("Status"), width=12),
    Column("category", _("Dues category"), width=20),
    Column("base", _("Monthly base (yuan)"), width=14),
    Column("amount_due", _("Amount due (yuan)"), width=14),
    Column("amount_paid", _("Amount paid (yuan)"), width=14),
    Column("paid_on", _("Paid on"), width=12, is_date=True),
    Column("method", _("Payment method"), width=12),
    Column("receipt_number", _("Receipt number"), width=16),
    Column("arrears", _("Months in arrears"), width=12),
]


def export_row(row: SheetRow) -> dict:
    payment = row.payment
    return {
        "name": row.member.person.name,
        "org": row.member.org.name,
        "status": str(row.member.get_status_display()),
        "category": row.category_label,
        "base": row.base,
        "amount_due": row.due.amount if row.due.owed else Decimal("0.00"),
        "amount_paid": payment.amount_paid if payment else None,
        "paid_on": payment.paid_on if payment else None,
        "method": str(payment.get_method_display()) if payment else "",
        "receipt_number": payment.receipt_number if payment else "",
        "arrears": row.arrears,
    }


def previous_and_next(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    return add_months(month, -1), add_months(month, 1)
