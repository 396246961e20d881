"""The 评星定级 generator step: last year's finished round with stars in the history, this
year's round in review with the auto items frozen from the figures store."""

from __future__ import annotations

import random

from django.utils import timezone

from dangjian.evaluation.choices import RoundStatus
from dangjian.evaluation.demo_data import generate_ratings
from dangjian.evaluation.models import Assessment, ItemScore, OrgStarRecord, RatingRound
from dangjian.evaluation.rules import total_of
from tests.help_pairs.helpers import member_in, pair


class FakeGenerator:
    def __init__(self):
        self.rng = random.Random(7)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_rates_every_community_last_year_and_freezes_this_years_auto_items(world):
    pair(member_in(world.branch_a1, "周帮扶"), world.grid_a1, world.org_a)
    year = timezone.localdate().year

    assert generate_ratings(FakeGenerator()) > 0

    last = RatingRound.objects.get(year=year - 1)
    this = RatingRound.objects.get(year=year)
    assert (last.status, this.status) == (RoundStatus.FINAL, RoundStatus.REVIEW)
    assert set(OrgStarRecord.objects.filter(year=year - 1).values_list("org_id", flat=True)) == {
        world.org_a.pk,
        world.org_b.pk,
    }
    for assessment in Assessment.objects.filter(round=last):
        finals = ItemScore.objects.filter(assessment=assessment).values_list("final_points", flat=True)
        assert assessment.total == total_of(finals)
        assert 1 <= assessment.stars <= 5
    pairs = ItemScore.objects.get(
        assessment__round=this, assessment__org=world.org_a, item__name="帮扶对子结对"
    )
    # One active pair at 2 points each, computed from the records when frozen.
    assert (pairs.value, pairs.auto_points, pairs.frozen_at is not None) == (1, 2, True)
