"""The 帮扶对子 generator step: pairs from active members, visits within the pair's life."""

from __future__ import annotations

import random

from django.utils import timezone

from dangjian.help_pairs.demo_data import generate_help_pairs
from dangjian.help_pairs.models import HelpPair, Visit
from tests.help_pairs.helpers import member_in, resident_in


class FakeGenerator:
    def __init__(self):
        self.rng = random.Random(7)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_pairs_members_and_logs_visits_in_the_past(world):
    for number in range(60):
        member_in(world.branch_a1 if number % 2 else world.branch_b1, f"党员{number}")
        resident_in(world.building_a1, f"居民{number}")

    written = generate_help_pairs(FakeGenerator())

    pairs = list(HelpPair.objects.all())
    assert pairs and written >= len(pairs)
    today = timezone.localdate()
    for made in pairs:
        assert made.helper_id != made.family_head_id
        assert made.since <= today
        if made.last_visited_on:
            assert made.next_visit_due > made.last_visited_on
    assert not Visit.objects.filter(visited_on__gt=today).exists()
