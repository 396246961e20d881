"""The pure scoring rules, checked against hand calculations."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from dangjian.evaluation.choices import ItemKind, Movement, PointsMapping
from dangjian.evaluation.rules import (
    NO_VALUE,
    CapCheck,
    ItemRule,
    movement,
    points_for,
    ratio,
    stars_for,
    total_of,
)


def linear(max_points, target, kind=ItemKind.AUTO):
    return ItemRule(kind=kind, max_points=D(max_points), mapping=PointsMapping.LINEAR, target=D(target))


def test_linear_gives_the_share_of_the_target_and_never_more_than_the_maximum():
    # 20 points at 8 meetings: 6 meetings → 20 × 6/8 = 15; 12 meetings → capped at 20.
    assert points_for(6, linear(20, 8)).points == D("15.00")
    assert points_for(12, linear(20, 8)).points == D("20.00")
    assert points_for(D("0.5"), linear(10, 3)).points == D("1.67")  # 10 × 0.5/3 = 1.666…
    assert points_for(-3, linear(10, 3)).points == D("0.00")


def test_bands_give_the_points_of_the_highest_threshold_reached():
    # 按时办结率: ≥95% → 10, ≥90% → 8, ≥80% → 5, else 0.
    rule = ItemRule(
        kind=ItemKind.AUTO,
        max_points=D(10),
        mapping=PointsMapping.BANDS,
        bands=((D("0.8"), D(5)), (D("0.95"), D(10)), (D("0.9"), D(8))),
    )
    assert points_for(D("0.97"), rule).points == D("10.00")
    assert points_for(D("0.95"), rule).points == D("10.00")
    assert points_for(D("0.93"), rule).points == D("8.00")
    assert points_for(D("0.85"), rule).points == D("5.00")
    assert points_for(D("0.5"), rule).points == D("0.00")


def test_per_unit_is_capped_at_the_maximum_and_a_deduction_at_minus_the_maximum():
    bonus = ItemRule(kind=ItemKind.AUTO, max_points=D(10), mapping=PointsMapping.PER_UNIT, per_unit=D(2))
    assert points_for(3, bonus).points == D("6.00")
    assert points_for(9, bonus).points == D("10.00")
    penalty = ItemRule(
        kind=ItemKind.DEDUCTION, max_points=D(5), mapping=PointsMapping.PER_UNIT, per_unit=D(-2)
    )
    assert points_for(2, penalty).points == D("-4.00")
    assert points_for(7, penalty).points == D("-5.00")
    assert points_for(0, penalty).points == D("0.00")


def test_a_value_of_none_gives_no_points_and_a_flag():
    result = points_for(None, linear(20, 8))
    assert result.points == D("0.00")
    assert result.flag == NO_VALUE


def test_a_ratio_of_nothing_is_none():
    assert ratio(3, 4) == D("0.7500")
    assert ratio(3, 0) is None
    assert ratio(None, 4) is None


def test_the_total_adds_deductions_and_never_goes_below_zero():
    assert total_of([D(15), D(25), D(-4), None]) == D("36.00")
    assert total_of([D(2), D(-10)]) == D("0.00")


THRESHOLDS = [(5, D(90)), (4, D(80)), (3, D(70)), (2, D(60))]


@pytest.mark.parametrize(
    ("total", "stars"),
    [(D(95), 5), (D(90), 5), (D("89.99"), 4), (D(72), 3), (D(60), 2), (D(59), 1), (D(0), 1)],
)
def test_stars_are_the_highest_threshold_reached_and_one_star_below_all(total, stars):
    assert stars_for(total, THRESHOLDS).stars == stars


def test_a_satisfaction_below_sixty_percent_caps_the_rating_at_two_stars():
    cap = CapCheck(label="群众满意率", value=D("0.55"), below=D("0.6"), max_stars=2)
    result = stars_for(D(95), THRESHOLDS, [cap])
    assert (result.stars, result.uncapped, result.caps_applied) == (2, 5, ("群众满意率",))
    # At 60% the cap does not apply; a missing value (a rate of nothing) does not apply it either.
    assert stars_for(D(95), THRESHOLDS, [CapCheck("x", D("0.6"), D("0.6"), 2)]).stars == 5
    assert stars_for(D(95), THRESHOLDS, [CapCheck("x", None, D("0.6"), 2)]).stars == 5


def test_movement_against_last_year():
    assert movement(None, 3) == Movement.NEW
    assert movement(3, 4) == Movement.UP
    assert movement(3, 2) == Movement.DOWN
    assert movement(3, 3) == Movement.SAME
