"""The 示范点 generator step: standards per level, designations where the tree marked a level,
applications in review, re-checks in the past, and organization levels that agree with the records."""

from __future__ import annotations

import random

from django.utils import timezone

from dangjian.demonstration.choices import ApplicationState, DesignationState, SetState
from dangjian.demonstration.demo_data import MIN_POINTS_PER_DISTRICT, TEN_STANDARDS, generate_demonstration
from dangjian.demonstration.models import Application, Designation, Recheck, StandardSet
from dangjian.orgs.models import Organization
from tests.factories import add_org


class FakeGenerator:
    def __init__(self):
        self.rng = random.Random(7)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_designates_the_marked_organizations_and_leaves_some_in_review(world):
    Organization.objects.filter(pk__in=[world.org_a.pk, world.branch_b1.pk]).update(
        demonstration_level="county"
    )
    Organization.objects.filter(pk=world.branch_a1.pk).update(demonstration_level="city")
    for number in range(4):
        add_org(world.org_b, f"光明社区第{number + 2}网格党支部", f"B01{number}", "branch")

    assert generate_demonstration(FakeGenerator()) > 0

    sets = StandardSet.objects.filter(org=world.district_org, state=SetState.PUBLISHED)
    assert sets.count() == 3 and all(made.items.count() == len(TEN_STANDARDS) for made in sets)
    points = Designation.objects.filter(state=DesignationState.ACTIVE)
    designated = {(row.org_id, row.level) for row in points}
    assert {
        (world.org_a.pk, "county"),
        (world.branch_b1.pk, "county"),
        (world.branch_a1.pk, "city"),
    } <= designated
    # A tree that marks fewer than five still gets five 示范点 (a community-scale demo shows some).
    assert len(designated) == MIN_POINTS_PER_DISTRICT
    today = timezone.localdate()
    for point in points:
        assert point.application.state == ApplicationState.DESIGNATED
        assert point.since <= today and point.next_recheck_due > point.since
        assert point.application.evidence.filter(result="met").count() == len(TEN_STANDARDS)
    assert not Recheck.objects.filter(checked_on__gt=today).exists()
    in_review = Application.objects.filter(
        state__in=[ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW]
    )
    assert in_review.exists() and not in_review.filter(org__in=[row.org_id for row in points]).exists()
    # The organization page's level is backed by a designation.
    marked = set(Organization.objects.exclude(demonstration_level="").values_list("pk", flat=True))
    assert marked == {row.org_id for row in points}
