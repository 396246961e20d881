"""Builders for the dues tests: members with declarations, payments written directly."""

from __future__ import annotations

import datetime
from decimal import Decimal

from dangjian.dues.choices import DuesCategory, PaymentMethod, ReductionState
from dangjian.dues.ledger import add_months, current_month, last_due_month
from dangjian.dues.models import DuesDeclaration, DuesPayment, DuesReduction
from dangjian.dues.rules import monthly_dues
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization
from tests.factories import PersonFactory

LONG_AGO = datetime.date(2010, 5, 20)


def add_member(org: Organization, name: str = "党员", *, joined_on=LONG_AGO, **fields) -> PartyMember:
    return PartyMember.objects.create(person=PersonFactory(name=name), org=org, joined_on=joined_on, **fields)


def declare(member: PartyMember, category: str = DuesCategory.EMPLOYED, base="4000", *, years=None) -> None:
    """Declarations for this year and last (written directly, amount by monthly_dues)."""
    today = datetime.date.today()
    for year in years or (today.year - 2, today.year - 1, today.year):
        DuesDeclaration.objects.update_or_create(
            member=member,
            year=year,
            defaults={
                "category": category,
                "base": Decimal(base),
                "monthly_amount": monthly_dues(category, Decimal(base)),
                "declared_on": datetime.date(year, 1, 10),
            },
        )


def pay(member: PartyMember, month: datetime.date, amount="20.00") -> DuesPayment:
    return DuesPayment.objects.create(
        member=member,
        org=member.org,
        month=month,
        amount_due=Decimal(amount),
        amount_paid=Decimal(amount),
        paid_on=min(month.replace(day=15), datetime.date.today()),
        method=PaymentMethod.CASH,
    )


def pay_until(member: PartyMember, last: datetime.date, months: int = 24) -> None:
    """Payments for ``months`` months ending at ``last``."""
    for offset in range(months):
        pay(member, add_months(last, -offset))


def waive(member: PartyMember, first: datetime.date, last: datetime.date, *, state=ReductionState.APPROVED):
    return DuesReduction.objects.create(
        member=member, from_month=first, to_month=last, is_waiver=True, reason="生病住院", state=state
    )


def paid_up(member: PartyMember) -> None:
    """Declared and paid through the last month that is over."""
    declare(member)
    pay_until(member, last_due_month())


__all__ = ["add_months", "current_month", "last_due_month"]
