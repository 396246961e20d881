"""Every figure of the catalogue that works on the organization tree can be an auto item: its
frozen points equal a hand calculation from the figure's value (linear: 20 × min(value/4, 1)),
in a small world with some records (party members, help pairs and their visits)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

import django
import pytest

from dangjian.core.periods import Period
from dangjian.core.registry import ORG_TREE, registry
from dangjian.evaluation import services
from dangjian.evaluation.choices import ItemKind, PointsMapping
from dangjian.evaluation.models import ItemScore
from dangjian.help_pairs.models import Visit
from dangjian.orgs.choices import OrgField
from tests.evaluation.helpers import YEAR, rating_admin, today
from tests.help_pairs.helpers import member_in, pair

django.setup()
ORG_FIGURES = sorted(key for key, figure in registry["figures"].items() if ORG_TREE in figure.trees)
MAX, TARGET = Decimal(20), Decimal(4)


def small_world(world) -> None:
    helper = member_in(world.branch_a1, "周帮扶")
    member_in(world.branch_a1, "吴党员")
    member_in(world.branch_a1, "郑党员")
    for _ in range(3):
        made = pair(helper, world.grid_a1, world.org_a)
        Visit.objects.create(
            pair=made, visited_on=today(), problems_solved="修好了水管", problems_solved_count=2
        )


def one_item_round(world, **item_fields):
    admin = rating_admin(world)
    made = services.create_scheme(
        by=admin, owner=world.district_org, year=YEAR, org_field=OrgField.URBAN_COMMUNITY, name="单项方案"
    )
    category = services.add_category(made, by=admin, name="自动指标", max_points=MAX)
    services.add_item(
        made, by=admin, category=category, name="指标", kind=ItemKind.AUTO, max_points=MAX, **item_fields
    )
    services.set_thresholds(made, by=admin, thresholds={5: 20})
    made = services.publish_scheme(made, by=admin)
    rating_round = services.create_round(
        by=admin,
        scheme=made,
        root=world.district_org,
        name="单项",
        year=YEAR,
        period_start=datetime.date(YEAR, 1, 1),
        period_end=datetime.date(YEAR, 12, 31),
    )
    services.open_self_assessment(rating_round, by=admin)
    services.start_review(rating_round, by=admin)
    return ItemScore.objects.get(assessment__round=rating_round, assessment__org=world.org_a)


def hand_points(value) -> Decimal:
    if value is None:
        return Decimal("0.00")
    share = min(max(Decimal(str(value)), Decimal(0)) / TARGET, Decimal(1))
    return (MAX * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_the_catalogue_has_figures_to_rate_with():
    assert len(ORG_FIGURES) >= 20
    assert "help_pairs.active" in ORG_FIGURES and "life.meetings_held" in ORG_FIGURES


@pytest.mark.parametrize("key", ORG_FIGURES)
def test_an_auto_items_points_equal_a_hand_calculation_from_the_figure(world, key):
    small_world(world)
    score = one_item_round(world, figure_key=key, mapping=PointsMapping.LINEAR, target=TARGET)
    value = registry["figures"][key].compute(world.org_a, Period.year(YEAR))
    expected = hand_points(value)
    assert score.auto_points == expected, (key, value)
    assert score.flag == ("no_value" if value is None else "")
    if value is not None:
        assert score.value == Decimal(str(value)).quantize(Decimal("0.0001"))


def test_help_pairs_in_the_small_world_give_a_known_value(world):
    small_world(world)
    score = one_item_round(world, figure_key="help_pairs.active", mapping=PointsMapping.LINEAR, target=TARGET)
    # 3 active pairs, target 4, 20 points: 20 × 3/4 = 15.
    assert (score.value, score.auto_points) == (Decimal("3"), Decimal("15.00"))
    problems = one_item_round(
        world,
        figure_key="help_pairs.problems_solved",
        mapping=PointsMapping.PER_UNIT,
        per_unit=Decimal("1.5"),
    )
    # 3 visits × 2 problems = 6 problems, 1.5 points each = 9.
    assert (problems.value, problems.auto_points) == (Decimal("6"), Decimal("9.00"))


def test_a_ratio_of_two_figures_with_bands_and_a_rate_of_nothing_flagged(world):
    small_world(world)
    # Visits ÷ active pairs = 3/3 = 1 → the band ≥ 1 gives 12.
    score = one_item_round(
        world,
        figure_key="help_pairs.visits",
        denominator_key="help_pairs.active",
        mapping=PointsMapping.BANDS,
        bands="0.5:6, 1:12",
    )
    assert (score.numerator, score.denominator, score.value, score.auto_points) == (
        Decimal(3),
        Decimal(3),
        Decimal(1),
        Decimal("12.00"),
    )
    # 社区B has no pairs: 0 ÷ 0 is no value, 0 points and the flag.
    other = ItemScore.objects.get(assessment__round=score.assessment.round, assessment__org=world.org_b)
    assert (other.value, other.auto_points, other.flag) == (None, Decimal("0.00"), "no_value")
