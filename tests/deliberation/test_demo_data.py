"""The generator step: topics in every state at each community organization, decided ones with a
meeting, attendance and (in follow-up) tasks; findable through the search index."""

from __future__ import annotations

import random
from types import SimpleNamespace

from django.utils import timezone

from dangjian.deliberation.choices import TopicState
from dangjian.deliberation.demo_data import generate_deliberation
from dangjian.deliberation.models import Attendance, Meeting, Task, Topic
from dangjian.deliberation.workbench import find


class FakeGenerator:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.scale = SimpleNamespace(name="community")

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_fills_every_state_with_meetings_and_tasks(world, secretary_a):
    written = generate_deliberation(FakeGenerator())

    assert written == Topic.objects.count() > 0
    assert set(Topic.objects.values_list("org_id", flat=True)) == {world.org_a.pk, world.org_b.pk}
    assert {TopicState.RAISED, TopicState.DISCUSSING, TopicState.FOLLOW_UP} <= set(
        Topic.objects.values_list("state", flat=True)
    )
    decided = Topic.objects.exclude(decided_on=None)
    assert Meeting.objects.count() == decided.count()
    assert Attendance.objects.count() == 5 * Meeting.objects.count()
    assert Task.objects.filter(topic__state=TopicState.FOLLOW_UP).exists()
    assert find(secretary_a, "电梯", 5)
