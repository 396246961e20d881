"""Reading 党员积分: the monthly ledger of an organization, the ranking, a member's totals.

Each costs a fixed number of queries whatever the number of members: the ledger reads one page of
members and one ``GROUP BY`` of their entries; the ranking is one query with a ``DENSE_RANK()``
window over the members' totals (ties share a rank, the next rank follows without a gap).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, DenseRank

from dangjian.core.periods import Period
from dangjian.member_points.models import PointEntry
from dangjian.members.models import PartyMember

ZERO = Decimal("0")


def members_of(org) -> QuerySet:
    """Active members of ``org``'s subtree, in pinyin order."""
    return (
        PartyMember.objects.filter(is_active=True, org__path__startswith=org.path)
        .select_related("person", "org")
        .order_by("sort_name", "id")
    )


def entries_in(org, period: Period) -> QuerySet:
    """Entries of ``org``'s subtree whose month lies in ``period``."""
    return PointEntry.objects.filter(
        org__path__startswith=org.path, month__gte=period.start, month__lt=period.end
    )


def with_totals(org, period: Period) -> QuerySet:
    """Active members of ``org``'s subtree with their ``total`` points in ``period`` (0 without any)."""
    totals = (
        entries_in(org, period)
        .filter(person_id=OuterRef("person_id"))
        .order_by()
        .values("person_id")
        .annotate(total=Sum("points"))
        .values("total")
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    return members_of(org).annotate(
        total=Coalesce(Subquery(totals, output_field=money), Value(ZERO), output_field=money)
    )


def ranking(org, period: Period) -> QuerySet:
    """Active members of ``org``'s subtree with ``total`` points in ``period`` and their dense ``rank``.

    Filter it only on the rank or the total: a filter on anything else (a name, one member) runs
    before the window and would rank the remaining rows among themselves — use ``rank_of``.
    """
    return (
        with_totals(org, period)
        .annotate(rank=Window(DenseRank(), order_by=F("total").desc()))
        .order_by("-total", "sort_name", "id")
    )


def rank_of(member: PartyMember, org, period: Period) -> tuple[Decimal, int]:
    """A member's total and dense rank among ``org``'s members: one more than the number of
    distinct totals above theirs (two queries)."""
    members = with_totals(org, period)
    mine = members.filter(pk=member.pk).values_list("total", flat=True).first() or ZERO
    above = members.filter(total__gt=mine).order_by().values("total").distinct().count()
    return mine, above + 1


@dataclass
class LedgerRow:
    member: PartyMember
    months: list[Decimal]
    total: Decimal


def ledger_rows(members: list[PartyMember], org, year: int) -> tuple[list[LedgerRow], list[Decimal], Decimal]:
    """Rows of the year's ledger for ``members`` (one query): points per month and the total,
    with the column totals of these rows."""
    period = Period.year(year)
    cells: dict[tuple[int, int], Decimal] = {}
    rows = (
        entries_in(org, period)
        .filter(person_id__in=[member.person_id for member in members])
        .order_by()
        .values_list("person_id", "month")
        .annotate(total=Sum("points"))
    )
    for person_id, month, points in rows:
        cells[(person_id, month.month)] = points
    ledger = []
    columns = [ZERO] * 12
    for member in members:
        months = [cells.get((member.person_id, number), ZERO) for number in range(1, 13)]
        for index, points in enumerate(months):
            columns[index] += points
        ledger.append(LedgerRow(member, months, sum(months, ZERO)))
    return ledger, columns, sum(columns, ZERO)


def person_totals(person_id: int, today: datetime.date) -> dict[str, Decimal]:
    """A person's points this month and this year, everywhere (one query)."""
    from django.db.models import Q

    year = Period.year(today.year)
    month = today.replace(day=1)
    result = PointEntry.objects.filter(
        person_id=person_id, month__gte=year.start, month__lt=year.end
    ).aggregate(year=Sum("points"), month=Sum("points", filter=Q(month=month)))
    return {"year": result["year"] or ZERO, "month": result["month"] or ZERO}
