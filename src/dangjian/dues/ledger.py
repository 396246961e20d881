"""Reading the dues ledger: what a member owes for a month, unpaid months and the six-month flag.

Everything here reads; nothing writes. The functions take many members at once and cost a
fixed number of queries (declarations, approved reductions, payments of the window), so the
branch sheet, the arrears list and the member page stay cheap whatever their size.

Rules (DOMAIN.md "Party dues", 中组发〔2008〕3号, 党章第九条):
- a member owes from the month the 支部大会 admitted them (``joined_on``), 预备党员 included;
- the amount is the declaration of that year (the latest earlier one carries on until a new
  base is declared), changed by an approved reduction, and nothing in a waived month;
- a month is in arrears once it is over and unpaid; the current month is still open;
- six months in a row unpaid without an approved reduction or waiver are flagged: the 党章
  treats a member who does so without good reason as having left the Party.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dangjian.dues.choices import ReductionState
from dangjian.dues.models import DuesDeclaration, DuesPayment, DuesReduction

# Arrears are counted over the last two years; older gaps belong to the paper ledgers.
ARREARS_WINDOW_MONTHS = 24
LEAVING_STREAK = 6


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month from ``first`` to ``last``, both included (empty when ``last`` is earlier)."""
    months = []
    month = month_of(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def current_month(today: datetime.date | None = None) -> datetime.date:
    return month_of(today or timezone.localdate())


def last_due_month(today: datetime.date | None = None) -> datetime.date:
    """The latest month that is over: unpaid months up to it are arrears."""
    return add_months(current_month(today), -1)


def first_owed_month(member) -> datetime.date | None:
    """The month the 支部大会 admitted the member (预备党员 pay from it); None when unknown."""
    return month_of(member.joined_on) if member.joined_on else None


@dataclass
class MonthDue:
    """What a member owes for one month."""

    owed: bool  # False before admission and in a waived month
    amount: Decimal | None  # None: owed, but no base is declared yet
    declaration: DuesDeclaration | None = None
    reduction: DuesReduction | None = None

    @property
    def waived(self) -> bool:
        return self.reduction is not None and self.reduction.is_waiver


@dataclass
class MemberLedger:
    """One member's declarations, approved reductions and payments of the window."""

    member: object
    declarations: list[DuesDeclaration] = field(default_factory=list)  # by year, ascending
    reductions: list[DuesReduction] = field(default_factory=list)
    payments: dict[datetime.date, DuesPayment] = field(default_factory=dict)

    def declaration_for(self, year: int) -> DuesDeclaration | None:
        found = None
        for declaration in self.declarations:
            if declaration.year <= year:
                found = declaration
        return found

    def reduction_for(self, month: datetime.date) -> DuesReduction | None:
        return next((reduction for reduction in self.reductions if reduction.covers(month)), None)

    def due(self, month: datetime.date) -> MonthDue:
        first = first_owed_month(self.member)
        if first is not None and month < first:
            return MonthDue(owed=False, amount=None)
        declaration = self.declaration_for(month.year)
        reduction = self.reduction_for(month)
        if reduction is not None and reduction.is_waiver:
            return MonthDue(owed=False, amount=Decimal("0.00"), declaration=declaration, reduction=reduction)
        amount = declaration.monthly_amount if declaration else None
        if reduction is not None:
            amount = reduction.reduced_amount
        return MonthDue(owed=True, amount=amount, declaration=declaration, reduction=reduction)

    def unpaid_months(self, through: datetime.date) -> list[datetime.date]:
        """Owed months of the window up to ``through`` that have no payment."""
        start = add_months(through, 1 - ARREARS_WINDOW_MONTHS)
        return [
            month
            for month in months_between(start, through)
            if month not in self.payments and self.due(month).owed
        ]

    def unpaid_streak(self, through: datetime.date) -> int:
        """Months in a row up to ``through`` owed, unpaid and not covered by an approved reduction."""
        count = 0
        month = through
        for _ in range(ARREARS_WINDOW_MONTHS):
            due = self.due(month)
            if month in self.payments or not due.owed or due.reduction is not None:
                break
            count += 1
            month = add_months(month, -1)
        return count


def ledgers(members: Iterable, *, first: datetime.date, last: datetime.date) -> dict[int, MemberLedger]:
    """Ledgers of ``members`` with the payments of ``first``..``last``: three queries in all."""
    result = {member.pk: MemberLedger(member=member) for member in members}
    if not result:
        return result
    ids = list(result)
    for declaration in DuesDeclaration.objects.filter(member_id__in=ids, year__lte=last.year).order_by(
        "member_id", "year"
    ):
        result[declaration.member_id].declarations.append(declaration)
    for reduction in DuesReduction.objects.filter(
        member_id__in=ids, state=ReductionState.APPROVED, from_month__lte=last, to_month__gte=first
    ).order_by("from_month", "id"):
        result[reduction.member_id].reductions.append(reduction)
    for payment in DuesPayment.objects.filter(member_id__in=ids, month__gte=first, month__lte=last):
        result[payment.member_id].payments[payment.month] = payment
    return result


def arrears_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    last = last_due_month(today)
    return add_months(last, 1 - ARREARS_WINDOW_MONTHS), last


def behind_q(today: datetime.date | None = None) -> Q:
    """Members whose last month that is over is unpaid and not waived: those in arrears now
    (a condition over members, for a filter or a filtered count)."""
    last = last_due_month(today)
    paid = DuesPayment.objects.filter(member=OuterRef("pk"), month=last)
    waived = DuesReduction.objects.filter(
        member=OuterRef("pk"),
        state=ReductionState.APPROVED,
        is_waiver=True,
        from_month__lte=last,
        to_month__gte=last,
    )
    return (
        Q(is_active=True)
        & (Q(joined_on__isnull=True) | Q(joined_on__lt=add_months(last, 1)))
        & ~Q(Exists(paid))
        & ~Q(Exists(waived))
    )


def behind(members: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Members whose last month that is over is unpaid and not waived: those in arrears now."""
    return members.filter(behind_q(today))


def leaving_q(today: datetime.date | None = None) -> Q:
    """Members with the last six months that are over all unpaid and no approved reduction in
    them (a condition over members)."""
    last = last_due_month(today)
    start = add_months(last, 1 - LEAVING_STREAK)
    paid = DuesPayment.objects.filter(member=OuterRef("pk"), month__gte=start, month__lte=last)
    excused = DuesReduction.objects.filter(
        member=OuterRef("pk"), state=ReductionState.APPROVED, from_month__lte=last, to_month__gte=start
    )
    return (
        Q(is_active=True)
        & (Q(joined_on__isnull=True) | Q(joined_on__lt=add_months(start, 1)))
        & ~Q(Exists(paid))
        & ~Q(Exists(excused))
    )


def leaving(members: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Members with the last six months that are over all unpaid and no approved reduction in them."""
    return members.filter(leaving_q(today))
