"""The lists' generator step: needs in every grid with skills and times (a sixth or so open),
wishes in every state consistent with their dates, projects and resources per community."""

from __future__ import annotations

import random

from django.utils import timezone

from dangjian.members.models import PartyMember, Resident
from dangjian.volunteering.choices import NeedState, WishState
from dangjian.volunteering.lists.generator import NEEDS_PER_GRID, generate_lists
from dangjian.volunteering.models import Need, Project, Resource, Wish
from tests.factories import PersonFactory
from tests.volunteering.lists.helpers import volunteer_in


class FakeGenerator:
    def __init__(self):
        self.rng = random.Random(7)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_step_fills_the_lists_consistently(world):
    for number in range(60):
        Resident.objects.create(
            person=PersonFactory(name=f"居民{number}"),
            area=world.building_a1 if number % 2 else world.grid_b1,
        )
    for number in range(5):
        PartyMember.objects.create(person=PersonFactory(name=f"党员{number}"), org=world.branch_a1)
    volunteer_in(world.grid_a1, world.org_a)

    written = generate_lists(FakeGenerator())

    needs = list(Need.objects.prefetch_related("skills"))
    assert len(needs) == 3 * NEEDS_PER_GRID and written > len(needs)
    assert all(need.skills.all() and need.availability for need in needs)
    assert {need.state for need in needs} >= {NeedState.OPEN, NeedState.MET}
    assert all(
        need.met_at and need.met_at >= need.created_at for need in needs if need.state == NeedState.MET
    )
    assert Need.objects.filter(created_at__lt=timezone.now() - timezone.timedelta(days=30)).exists()
    wishes = list(Wish.objects.all())
    assert wishes and len({wish.tracking_code for wish in wishes}) == len(wishes)
    for wish in wishes:
        assert (wish.claimed_by_id is not None) == (
            wish.state in (WishState.CLAIMED, WishState.FULFILLED, WishState.CONFIRMED)
        )
        assert (wish.confirmed_at is not None) == (wish.state == WishState.CONFIRMED)
    assert Project.objects.filter(area=world.community_a).count() == 3
    assert Resource.objects.filter(area=world.community_b).count() == 4
