"""Pure scoring rules of 评星定级 (no database): a figure's value to an item's points, and a
total to stars with caps.

An auto item maps the value of a figure (or the ratio of two figures: meetings held ÷ required)
to points in one of three ways: ``linear`` (max × min(value / target, 1)), ``bands`` (the
highest threshold the value reaches gives its points; for rates such as 按时办结率) and
``per_unit`` (points per unit, capped at the maximum; a deduction's negative per unit is capped
at −max). A value of None (a rate of nothing) gives 0 points and a flag the reviewer sees.
Stars: the highest threshold the total reaches (1★ when none), then every cap whose item value
lies below its limit lowers the stars to at most its ceiling (满意率 below 60% caps at 2★).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dangjian.evaluation.choices import ItemKind, PointsMapping

CENT = Decimal("0.01")
VALUE_PLACES = Decimal("0.0001")
ZERO = Decimal("0")

# Flags beside a score, shown to the reviewer.
NO_VALUE = "no_value"  # the figure is a rate of nothing (or could not be computed): 0 points


def as_decimal(value) -> Decimal | None:
    """A figure's value (int, float, Decimal) as a Decimal of four places; None stays None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return number.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


def ratio(numerator, denominator) -> Decimal | None:
    """numerator ÷ denominator, or None when either is missing or the denominator is 0."""
    top, bottom = as_decimal(numerator), as_decimal(denominator)
    if top is None or bottom is None or bottom == 0:
        return None
    return (top / bottom).quantize(VALUE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ItemRule:
    """What an item's points depend on (copied from ``Item`` so the rule runs without a database)."""

    kind: str
    max_points: Decimal
    mapping: str = PointsMapping.LINEAR
    target: Decimal | None = None
    bands: Sequence[tuple[Decimal, Decimal]] = field(default_factory=tuple)
    per_unit: Decimal | None = None


@dataclass(frozen=True)
class Points:
    points: Decimal
    flag: str = ""


def _clamp(points: Decimal, rule: ItemRule) -> Decimal:
    if rule.kind == ItemKind.DEDUCTION:
        return max(min(points, ZERO), -rule.max_points)
    return min(max(points, ZERO), rule.max_points)


def points_for(value, rule: ItemRule) -> Points:
    """The points an auto item (or an auto deduction) gives for ``value``."""
    number = as_decimal(value)
    if number is None:
        return Points(ZERO.quantize(CENT), NO_VALUE)
    if rule.mapping == PointsMapping.LINEAR:
        if not rule.target or rule.target <= 0:
            raise ValueError("A linear mapping needs a positive target.")
        share = min(max(number, ZERO) / rule.target, Decimal(1))
        points = rule.max_points * share
        if rule.kind == ItemKind.DEDUCTION:
            points = -points
    elif rule.mapping == PointsMapping.BANDS:
        points = ZERO
        for threshold, band_points in sorted(rule.bands, key=lambda band: band[0]):
            if number >= threshold:
                points = Decimal(band_points)
    elif rule.mapping == PointsMapping.PER_UNIT:
        if rule.per_unit is None:
            raise ValueError("A per-unit mapping needs the points per unit.")
        points = number * rule.per_unit
    else:
        raise ValueError(f"Unknown mapping {rule.mapping!r}")
    return Points(_clamp(points, rule).quantize(CENT, rounding=ROUND_HALF_UP))


def total_of(points: Iterable[Decimal | None]) -> Decimal:
    """The total of the items' final points (deductions negative), never below 0."""
    total = sum((p for p in points if p is not None), ZERO)
    return max(total, ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CapCheck:
    """A cap as it applies to one assessment: the value found, the limit and the ceiling."""

    label: str
    value: Decimal | None
    below: Decimal
    max_stars: int


@dataclass(frozen=True)
class StarResult:
    stars: int
    uncapped: int
    caps_applied: tuple[str, ...] = ()


def stars_for(
    total: Decimal, thresholds: Iterable[tuple[int, Decimal]], caps: Iterable[CapCheck] = ()
) -> StarResult:
    """The stars a total earns (the highest threshold reached, 1★ when none), then capped."""
    earned = 1
    for stars, minimum in thresholds:
        if total >= minimum and stars > earned:
            earned = stars
    stars = earned
    applied = []
    for cap in caps:
        if cap.value is not None and cap.value < cap.below and cap.max_stars < stars:
            stars = cap.max_stars
            applied.append(cap.label)
    return StarResult(stars=max(stars, 1), uncapped=earned, caps_applied=tuple(applied))


def movement(previous: int | None, stars: int) -> str:
    from dangjian.evaluation.choices import Movement

    if previous is None:
        return Movement.NEW
    if stars > previous:
        return Movement.UP
    if stars < previous:
        return Movement.DOWN
    return Movement.SAME
