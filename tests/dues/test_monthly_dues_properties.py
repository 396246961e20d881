"""Properties of the dues rule (中组发〔2008〕3号, DOMAIN.md "Party dues") over any base.

The bands are written out here from the regulation, not read from ``dues.rules``: 在职 ≤ 3000 →
0.5%, to 5000 (incl.) → 1%, to 10000 (incl.) → 1.5%, above → 2%; 离退休 ≤ 5000 → 0.5%, above →
1%; the whole base at the rate of its band, rounded half-up to the fen.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.dues.rules import monthly_dues
from dangjian.members.choices import MemberCategory

EMPLOYED = [
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
]
RETIRED = [(Decimal("5000"), Decimal("0.005"))]
TOP = {MemberCategory.EMPLOYED: Decimal("0.02"), MemberCategory.RETIRED: Decimal("0.01")}
BANDS = {MemberCategory.EMPLOYED: EMPLOYED, MemberCategory.RETIRED: RETIRED}

# Salaries and pensions in fen, from nothing to 100,000 yuan a month.
bases = st.integers(min_value=0, max_value=10_000_000).map(lambda fen: Decimal(fen) / 100)
banded = st.sampled_from([MemberCategory.EMPLOYED, MemberCategory.RETIRED])


def _expected(category: str, base: Decimal) -> Decimal:
    rate = next((rate for upper, rate in BANDS[category] if base <= upper), TOP[category])
    return (base * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(category=banded, base=bases)
def test_the_amount_is_the_whole_base_at_the_rate_of_its_band(category, base):
    assert monthly_dues(category, base) == _expected(category, base)


@given(category=banded, base=bases)
def test_the_amount_is_never_negative_and_never_more_than_the_top_rate(category, base):
    amount = monthly_dues(category, base)

    assert Decimal("0") <= amount <= (base * TOP[category]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@given(category=banded, low=bases, high=bases)
def test_more_income_never_means_less_dues(category, low, high):
    low, high = sorted([low, high])

    assert monthly_dues(category, low) <= monthly_dues(category, high)


@given(
    category=st.sampled_from([MemberCategory.STUDENT, MemberCategory.UNEMPLOYED, "抚恤救济", "低保"]),
    base=bases,
)
def test_the_flat_categories_pay_twenty_fen_whatever_the_base(category, base):
    assert monthly_dues(category, base) == Decimal("0.20")


@given(fen=st.integers(min_value=20, max_value=100))
def test_a_farmer_pays_the_fixed_amount_the_branch_set(fen):
    amount = Decimal(fen) / 100

    assert monthly_dues(MemberCategory.FARMER, amount) == amount


@given(category=banded, fen=st.integers(min_value=1, max_value=10_000_000))
def test_a_negative_base_is_refused(category, fen):
    with pytest.raises(ValueError):
        monthly_dues(category, -Decimal(fen) / 100)
