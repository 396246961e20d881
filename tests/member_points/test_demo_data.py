"""The 党员积分 generator step and the daily job: default rules, then the posting of what the
other steps generated; running it again posts nothing twice."""

from __future__ import annotations

import datetime
import random

from django.db.models import Sum
from django.utils import timezone

from dangjian.core.scheduler import registered_jobs
from dangjian.member_points.demo_data import generate_member_points
from dangjian.member_points.models import PointEntry, PointRule
from dangjian.member_points.tasks import post_recent_points_now
from tests.member_points.helpers import attend, dues, hours, meeting, member


class FakeGenerator:
    def __init__(self):
        self.rng = random.Random(7)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_makes_default_rules_and_posts_the_last_year(world):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    people = [member(world.branch_a1, f"党员{number}") for number in range(5)]
    held = meeting(world.branch_a1, last_month + datetime.timedelta(days=9))
    for person in people:
        attend(held, person)
    hours(people[0], last_month + datetime.timedelta(days=3), "2.5")
    dues(people[1], last_month, last_month + datetime.timedelta(days=4))

    written = generate_member_points(FakeGenerator())

    assert set(PointRule.objects.values_list("source_key", flat=True)) == {
        "life.attendance",
        "activities.hours",
        "dues.on_time",
        "service_posts.held",
    }
    posted = PointEntry.objects.filter(kind="posted")
    assert posted.count() == 5 + 1 + 1
    assert written >= posted.count()
    before = PointEntry.objects.aggregate(total=Sum("points"))["total"]
    assert post_recent_points_now() == 0  # the daily job finds everything posted
    assert PointEntry.objects.aggregate(total=Sum("points"))["total"] == before


def test_the_daily_posting_is_a_periodic_job():
    assert any("post_recent_points" in job.name for job in registered_jobs())
