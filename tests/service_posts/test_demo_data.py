"""The generator step: posts per community organization in proportion to its members, claims in
every state within the places, agreements for those who held a post, and comments."""

from __future__ import annotations

import random

from django.db.models import Count, F, Q
from django.utils import timezone

from dangjian.members.models import PartyMember
from dangjian.service_posts.choices import HOLDING_STATES, ClaimState
from dangjian.service_posts.demo_data import generate_service_posts
from dangjian.service_posts.models import Agreement, Post, PostClaim
from tests.factories import PersonFactory


class FakeGenerator:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_sets_up_posts_and_claims_within_their_places(world):
    for number in range(60):
        PartyMember.objects.create(
            person=PersonFactory(name=f"党员{number}"), org=world.branch_a1 if number % 3 else world.branch_b1
        )

    written = generate_service_posts(FakeGenerator())

    assert written > 0
    assert set(Post.objects.values_list("org_id", flat=True)) == {world.org_a.pk, world.org_b.pk}
    over = Post.objects.annotate(held=Count("claims", filter=Q(claims__state__in=HOLDING_STATES))).filter(
        held__gt=F("places")
    )
    assert not over.exists()
    for claim in PostClaim.objects.select_related("member__org", "post__org"):
        assert claim.member.org.path.startswith(claim.post.org.path)
    assert not Agreement.objects.filter(claim__state__in=[ClaimState.CLAIMED, ClaimState.DECLINED]).exists()
    assert Agreement.objects.filter(claim__state=ClaimState.CONFIRMED).exists()
