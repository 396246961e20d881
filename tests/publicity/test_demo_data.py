"""The generator steps: announcements in every state per community organization with reads by
part of their audience only, and proposals with supports matching their counts."""

from __future__ import annotations

import random

from django.utils import timezone

from dangjian.members.models import PartyMember
from dangjian.proposals.demo_data import generate_proposals
from dangjian.proposals.models import Proposal, Support
from dangjian.publicity.choices import AnnouncementState, Audience
from dangjian.publicity.demo_data import generate_announcements
from dangjian.publicity.models import Announcement, Read
from tests.factories import PersonFactory


class FakeGenerator:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_steps_write_announcements_with_reads_of_their_audience_and_proposals_with_their_supports(world):
    for number in range(20):
        PartyMember.objects.create(person=PersonFactory(name=f"党员{number}"), org=world.branch_a1)

    assert generate_announcements(FakeGenerator()) > 0
    assert generate_proposals(FakeGenerator()) > 0

    announcements = Announcement.objects.filter(org=world.org_a)
    assert set(announcements.values_list("state", flat=True)) == {
        AnnouncementState.PUBLISHED,
        AnnouncementState.DRAFT,
    }
    assert announcements.public().exists()
    assert Read.objects.exists()
    for read in Read.objects.select_related("announcement__org"):
        assert read.announcement.audience != Audience.PUBLIC and read.announcement.is_live
    for proposal in Proposal.objects.all():
        assert Support.objects.filter(proposal=proposal).count() == proposal.supports
