"""The 就业 generator step: postings, seekers with skills, placements within positions, training."""

from __future__ import annotations

import random

from django.db.models import Count, F
from django.utils import timezone

from dangjian.jobs.demo_data import generate_jobs
from dangjian.jobs.models import JobPosting, JobSeeker, Placement, TrainingSession
from tests.jobs.helpers import resident_in


class FakeGenerator:
    def __init__(self):
        self.rng = random.Random(7)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_writes_postings_seekers_placements_and_training(world):
    for number in range(30):
        resident_in(world.building_a1 if number % 2 else world.grid_b1, f"居民{number}")

    assert generate_jobs(FakeGenerator()) > 0

    assert JobPosting.objects.count() == 6  # three per community with a party organization
    assert JobSeeker.objects.filter(skills__isnull=False).exists()
    assert (
        not JobPosting.objects.annotate(placed=Count("placements")).filter(placed__gt=F("positions")).exists()
    )
    assert not Placement.objects.exclude(seeker__state="placed").exists()
    assert TrainingSession.objects.count() == 1  # one street
