"""The learning generator step: published courses with lessons and questions, a yearly plan, and
study records for part of the members, so the completion figure has something to count."""

from __future__ import annotations

import random

from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.learning.demo_data import generate_learning
from dangjian.learning.models import Course, Lesson, StudyPlan, StudyRecord
from tests.learning.helpers import learner


class FakeGenerator:
    def __init__(self):
        self.rng = random.Random(7)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_publishes_courses_and_records_study(world):
    for number in range(12):
        learner(world.branch_a1 if number % 2 else world.branch_b1, f"党员{number}")
    assert generate_learning(FakeGenerator()) > 0
    assert Course.objects.filter(org=world.district_org, counts_as_training=True).count() == 1
    assert Lesson.objects.exclude(search_tokens="").count() == Lesson.objects.count() > 0
    plan = StudyPlan.objects.get(org=world.district_org)
    assert plan.courses.count() == 1
    # The demo logins linked to a member always study.
    assert StudyRecord.objects.values("person_id").distinct().count() >= 12
    rate = get_figure("learning.study_completion").compute(
        world.district_org, Period.year(timezone.localdate().year)
    )
    assert rate is not None and 0 <= rate <= 100
