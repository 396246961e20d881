"""Dues arrears in the figures store: members in arrears and six months in a row over a subtree
equal a count of the payment rows made by hand, and the arrears page lists exactly them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.dues.choices import ReductionState
from dangjian.dues.models import DuesPayment, DuesReduction
from dangjian.members.models import PartyMember
from tests.dues.helpers import add_member, add_months, declare, last_due_month, paid_up, pay_until, waive

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(world):
    """社区A's branch: paid up; two months behind; never paid; waived lately; left the Party;
    joined only this month. 社区B's branch: never paid (another subtree)."""
    last = last_due_month()
    paid = add_member(world.branch_a1, "按时交")
    paid_up(paid)
    behind = add_member(world.branch_a1, "欠两月")
    declare(behind)
    pay_until(behind, add_months(last, -2), months=20)
    never = add_member(world.branch_a1, "从未交")
    declare(never)
    waived = add_member(world.branch_a1, "免交")
    declare(waived)
    pay_until(waived, add_months(last, -2), months=20)
    waive(waived, add_months(last, -1), last)
    gone = add_member(world.branch_a1, "已出党", is_active=False)
    declare(gone)
    fresh = add_member(world.branch_a1, "新党员", joined_on=add_months(last, 1))
    declare(fresh)
    other = add_member(world.branch_b1, "社区B")
    declare(other)


def _unpaid(member: PartyMember, month: datetime.date) -> bool:
    """Owed and not paid in ``month`` (admitted by then, not waived), from the rows themselves."""
    if member.joined_on and member.joined_on.replace(day=1) > month:
        return False
    if DuesPayment.objects.filter(member=member, month=month).exists():
        return False
    return not DuesReduction.objects.filter(
        member=member,
        state=ReductionState.APPROVED,
        is_waiver=True,
        from_month__lte=month,
        to_month__gte=month,
    ).exists()


def _by_hand(node, month: datetime.date) -> dict[str, set[int]]:
    active = PartyMember.objects.filter(org__path__startswith=node.path, is_active=True)
    six_months = [add_months(month, -offset) for offset in range(6)]
    in_arrears = {member.pk for member in active if _unpaid(member, month)}
    six = {
        member.pk
        for member in active
        if all(_unpaid(member, m) for m in six_months)
        and not DuesReduction.objects.filter(
            member=member, state=ReductionState.APPROVED, from_month__lte=month, to_month__gte=six_months[-1]
        ).exists()
    }
    return {"dues.members_in_arrears": in_arrears, "dues.members_six_months": six}


def _listed(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {row["member"].pk for row in response.context["rows"]}


@pytest.mark.usefixtures("members")
def test_arrears_figures_equal_the_members_counted_by_hand_and_the_arrears_page_lists_them(
    client, world, secretary_a
):
    client.force_login(secretary_a)
    last = last_due_month()
    this_year = Period.year(datetime.date.today().year)
    earlier = Period.month(add_months(last, -3).year, add_months(last, -3).month)
    for period, month in ((this_year, last), (earlier, add_months(last, -3))):
        expected = _by_hand(world.org_a, month)
        for key, rows in expected.items():
            figure = get_figure(key)
            assert figure.compute(world.org_a, period) == len(rows), (period, key)
            assert _listed(client, figure.records_url(world.org_a, period)) == rows, (period, key)
    names = set(
        PartyMember.objects.filter(pk__in=_by_hand(world.org_a, last)["dues.members_in_arrears"]).values_list(
            "person__name", flat=True
        )
    )
    assert names == {"欠两月", "从未交"}  # the fixture is what it says


@pytest.mark.usefixtures("members")
def test_the_arrears_page_never_judges_a_month_that_is_not_over(client, world, secretary_a):
    client.force_login(secretary_a)
    future = add_months(last_due_month(), 5)
    response = client.get(reverse("dues:arrears_list"), {"org": world.org_a.pk, "month": f"{future:%Y-%m}"})
    assert response.context["last_month"] == last_due_month()
