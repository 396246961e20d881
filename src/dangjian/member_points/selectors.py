"""Reading 党员积分: the monthly ledger of an organization, the ranking, a member's totals.

Each costs a fixed number of queries whatever the number of members: the ledger reads one page of
members and one ``GROUP BY`` of their entries; the ranking one ``GROUP BY`` of the subtree's
entries and the members' ids, ranked in Python (ties share a rank, the next follows without a gap).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

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


class Ranking(Sequence):
    """Members of an organization's subtree in rank order, loaded a slice at a time.

    Built from two queries whatever the subtree's size: the period's totals as one ``GROUP BY``
    over the subtree's entries, and the members' ids and sort keys; a slice (a page) then loads
    its members with their person and organization in one more query. A correlated ``SUM`` per
    member with a ``DENSE_RANK()`` window took 1.4 s for a 287-member community and 3.4 s for
    the district on generated data (bench/bench_member_points.py); ranking in Python does not.
    """

    def __init__(self, org, period: Period):
        totals = dict(
            entries_in(org, period)
            .order_by()
            .values("person_id")
            .annotate(total=Sum("points"))
            .values_list("person_id", "total")
        )
        rows = PartyMember.objects.filter(is_active=True, org__path__startswith=org.path).values_list(
            "pk", "person_id", "sort_name"
        )
        ordered = sorted(rows, key=lambda row: (-totals.get(row[1], ZERO), row[2], row[0]))
        self._rows: list[tuple[int, Decimal, int]] = []
        rank, previous = 0, None
        for pk, person_id, _sort in ordered:
            total = totals.get(person_id, ZERO)
            if total != previous:
                rank, previous = rank + 1, total
            self._rows.append((pk, total, rank))

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            rows = self._rows[index]
            members = PartyMember.objects.select_related("person", "org").in_bulk([pk for pk, _t, _r in rows])
            result = []
            for pk, total, rank in rows:
                member = members[pk]
                member.total, member.rank = total, rank
                result.append(member)
            return result
        return self[index : index + 1][0] if index >= 0 else self[len(self) + index]

    def rank_of(self, member_pk: int) -> tuple[Decimal, int] | None:
        for pk, total, rank in self._rows:
            if pk == member_pk:
                return total, rank
        return None


def ranking(org, period: Period) -> Ranking:
    """Active members of ``org``'s subtree in order of their points in ``period`` (then pinyin),
    each with ``total`` and dense ``rank``: ties share a rank, the next follows without a gap."""
    return Ranking(org, period)


def rank_of(member: PartyMember, org, period: Period) -> tuple[Decimal, int]:
    """A member's total and dense rank among ``org``'s members (two queries)."""
    return Ranking(org, period).rank_of(member.pk) or (ZERO, 0)


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
