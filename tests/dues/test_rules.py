"""Monthly dues follow 中组发〔2008〕3号 exactly, at every bracket edge."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from dangjian.dues.rules import monthly_dues


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("0", "0.00"),
        ("2999.99", "15.00"),
        ("3000", "15.00"),  # ≤ 3000: 0.5%
        ("3000.01", "30.00"),  # above 3000: 1%
        ("5000", "50.00"),  # up to 5000 inclusive: 1%
        ("5000.01", "75.00"),  # above 5000: 1.5%
        ("10000", "150.00"),  # up to 10000 inclusive: 1.5%
        ("10000.01", "200.00"),  # above 10000: 2%
        ("25000", "500.00"),
    ],
)
def test_employed_members_pay_by_the_salary_brackets(base, expected):
    assert monthly_dues("在职", Decimal(base)) == Decimal(expected)
    assert monthly_dues("employed", Decimal(base)) == Decimal(expected)


@pytest.mark.parametrize(
    ("base", "expected"),
    [("5000", "25.00"), ("5000.01", "50.00"), ("4000", "20.00"), ("8000", "80.00")],
)
def test_retired_members_pay_half_a_percent_up_to_5000_and_one_percent_above(base, expected):
    assert monthly_dues("离退休", Decimal(base)) == Decimal(expected)


def test_amounts_round_half_up_to_the_fen():
    # 0.5% of 1001 = 5.005: half-up gives 5.01 (banker's rounding would give 5.00).
    assert monthly_dues("在职", Decimal("1001")) == Decimal("5.01")
    # 1.5% of 6666.66 = 99.9999
    assert monthly_dues("在职", Decimal("6666.66")) == Decimal("100.00")


@pytest.mark.parametrize(
    "category", ["学生", "下岗失业", "抚恤", "救济", "最低生活保障", "student", "unemployed"]
)
def test_students_unemployed_and_members_on_relief_pay_twenty_fen(category):
    assert monthly_dues(category, Decimal("3500")) == Decimal("0.20")


@pytest.mark.parametrize("amount", ["0.2", "0.5", "1"])
def test_farmers_pay_the_fixed_amount_their_branch_set(amount):
    assert monthly_dues("农民", Decimal(amount)) == Decimal(amount).quantize(Decimal("0.01"))


@pytest.mark.parametrize("amount", ["0.19", "1.01"])
def test_a_farmer_amount_outside_twenty_fen_to_one_yuan_is_refused(amount):
    with pytest.raises(ValueError, match=r"0\.2"):
        monthly_dues("农民", Decimal(amount))


def test_months_before_april_2008_are_outside_the_rules():
    with pytest.raises(ValueError, match="2008"):
        monthly_dues("在职", Decimal("4000"), on=datetime.date(2008, 3, 31))
    assert monthly_dues("在职", Decimal("4000"), on=datetime.date(2008, 4, 1)) == Decimal("40.00")


def test_a_negative_base_and_an_unpriced_category_are_refused():
    with pytest.raises(ValueError):
        monthly_dues("在职", Decimal("-1"))
    with pytest.raises(ValueError, match="流动"):
        monthly_dues("流动", Decimal("4000"))
