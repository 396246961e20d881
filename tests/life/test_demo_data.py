"""The generator step of organizational life: meetings by the cadences, with gaps and silence."""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.life import compliance
from dangjian.life.choices import MeetingKind, MeetingState
from dangjian.life.demo_data import generate_meetings
from dangjian.life.models import Attendance, DemocraticReview, Meeting
from dangjian.life.silence import silent_branches
from dangjian.orgs.choices import OrgKind
from tests.factories import add_org
from tests.life.helpers import add_member


def test_generated_meetings_follow_the_cadences_at_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    branches = [world.branch_a1, world.branch_b1]
    branches += [add_org(world.org_a, f"第{index}支部", f"BG{index}", OrgKind.BRANCH) for index in range(6)]
    for index in range(60):
        add_member(branches[index % len(branches)], f"成员{index}")
    generator = SimpleNamespace(
        rng=random.Random(3), today=timezone.localdate(), anchors=SimpleNamespace(grid_branch=world.branch_a1)
    )

    with django_assert_max_num_queries(40):  # three reads, then bulk inserts in batches
        rows = generate_meetings(generator)

    assert rows == Meeting.objects.count() + Attendance.objects.count() + DemocraticReview.objects.count()
    # Roughly two years of every kind: 8 branches × (24 + 24 + 8 + 8 + 2 + 2) at most.
    assert 300 < Meeting.objects.count() <= 8 * 70
    closed = Meeting.objects.filter(state=MeetingState.CLOSED)
    assert not closed.filter(minutes="").exists()
    assert closed.filter(closed_late=True).exists()
    # Attendance for the last twelve months; a 民主评议 grade per member and year.
    recent = Meeting.objects.filter(starts_at__gte=timezone.now() - datetime.timedelta(days=300))
    assert Attendance.objects.filter(meeting__in=recent).exists()
    assert DemocraticReview.objects.filter(meeting__kind=MeetingKind.DEMOCRATIC_REVIEW).exists()
    # The demo meeting is open for check-in today; a silent branch exists; some gaps to show.
    assert Meeting.objects.filter(org=world.branch_a1, title__contains="扫码签到演示").exists()
    assert silent_branches([world.district_org])
    last_year = Period.year(timezone.localdate().year - 1)
    assert any(unit.missing_total for unit in compliance.compliance(world.district_org, last_year))
