"""Two members claiming the last place of a post at the same moment: one gets it (PostgreSQL,
where the post row lock is real; SQLite serializes writers on its own)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from dangjian.core.errors import RuleViolation
from dangjian.service_posts import services
from dangjian.service_posts.choices import HOLDING_STATES
from dangjian.service_posts.models import PostClaim
from tests.service_posts.helpers import member_of, post_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_claims_for_the_last_place_give_one_holder(world):
    post = post_at(world.org_a, places=1)
    users = [member_of(world.branch_a1, f"员{index}")[1] for index in range(2)]
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def claim(user) -> None:
        try:
            barrier.wait()
            services.claim_post(post, by=user)
            outcomes.append("claimed")
        except RuleViolation as refusal:
            outcomes.append(refusal.rule)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["claimed", "places_full"]
    assert PostClaim.objects.filter(post=post, state__in=HOLDING_STATES).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_ten_members_claiming_three_places_at_once_get_three(world):
    post = post_at(world.org_a, places=3)
    users = [member_of(world.branch_a1, f"员{index}")[1] for index in range(10)]
    barrier = threading.Barrier(len(users))

    def claim(user) -> None:
        try:
            barrier.wait()
            services.claim_post(post, by=user)
        except RuleViolation:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert PostClaim.objects.filter(post=post, state__in=HOLDING_STATES).count() == 3
