"""Two postings at once (the daily job and a manual re-run, with different windows) still post
each record once and never pass a monthly cap.

Each thread has its own connection and starts at a barrier. On PostgreSQL the second waits on the
rules' row locks and then reads what the first posted; on SQLite it gets "database is locked" and
runs again (as the worker would), then reads the same.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from dangjian.member_points.models import PointEntry
from dangjian.member_points.services import post_points
from tests.activities.test_concurrency import WON, race
from tests.member_points.helpers import rules, small_world


@pytest.mark.django_db(transaction=True)
def test_two_postings_at_once_keep_the_cap_and_post_each_record_once(world):
    people = small_world(world)
    rules()
    # 王五's six meetings: three in each half of March, 12 points before the cap of 10.
    windows = [
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 15)),
        (datetime.date(2026, 3, 16), datetime.date(2026, 3, 31)),
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
    ]
    results = race([lambda since=since, until=until: post_points(since, until) for since, until in windows])
    assert results == [WON] * 3, results
    wang = PointEntry.objects.filter(person_id=people["wang"].person_id, source_key="life.attendance")
    assert wang.count() == 6
    assert wang.aggregate(total=Sum("points"))["total"] == Decimal("10.00")
    zhang = PointEntry.objects.filter(person_id=people["zhang"].person_id)
    assert zhang.aggregate(total=Sum("points"))["total"] == Decimal("10.50")
    keys = list(PointEntry.objects.values_list("rule_id", "source_key", "source_id"))
    assert len(keys) == len(set(keys))
