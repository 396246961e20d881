"""Members claiming one wish at the same moment (党员接单): exactly one wins, the others are told
another member took it; the same for two coordinators assigning one need. Each thread has its
own connection and starts at a barrier; on PostgreSQL the losers wait on the row lock."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from django.utils import translation

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.volunteering.choices import NeedState, WishState
from dangjian.volunteering.lists import services
from dangjian.volunteering.models import Need, Wish
from tests.factories import UserFactory, assign
from tests.volunteering.lists.helpers import member_user, need_a, volunteer_in, wish_a

THREADS = 12
WON = "won"


def _race(acts) -> list:
    barrier = threading.Barrier(len(acts))
    results: list = []

    def run(act):
        try:
            barrier.wait(timeout=30)
            with translation.override("zh-hans"):
                for _attempt in range(500):
                    try:
                        act()
                    except OperationalError as error:
                        # SQLite's shared-cache test database answers "locked" at once: wait here.
                        if connection.vendor != "sqlite" or "locked" not in str(error):
                            raise
                        time.sleep(0.01)
                    else:
                        results.append(WON)
                        return
                results.append("database is locked")
        except RuleViolation as error:
            results.append(error)
        except Exception as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _one_winner(results: list) -> list[RuleViolation]:
    assert len(results) == THREADS and results.count(WON) == 1, results
    losers = [result for result in results if result != WON]
    refusals = [result for result in losers if isinstance(result, RuleViolation)]
    if connection.vendor == "postgresql":
        assert len(refusals) == THREADS - 1, losers
    else:
        assert all(
            isinstance(result, RuleViolation) or result == "database is locked" for result in losers
        ), losers
    return refusals


@pytest.mark.django_db(transaction=True)
def test_members_claiming_one_wish_at_once_exactly_one_wins(world):
    wish = wish_a(world, state=WishState.PUBLISHED)
    members = [member_user(world, f"member_{number}", f"党员{number}") for number in range(THREADS)]

    results = _race(
        [lambda user=user: services.claim_wish(Wish.objects.get(pk=wish.pk), by=user) for user in members]
    )

    for refusal in _one_winner(results):
        assert refusal.rule == "already_claimed", (refusal.rule, refusal.message)
    wish.refresh_from_db()
    assert wish.state == WishState.CLAIMED and wish.version == 2
    assert wish.claimed_by_id in {user.person_id for user in members}
    assert AuditEntry.objects.filter(object_type="volunteering.wish", object_id=str(wish.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_coordinators_assigning_one_need_at_once_exactly_one_wins(world, secretary_a):
    need = need_a(world)
    coordinators = [secretary_a]
    for number in range(1, THREADS):
        user = UserFactory(username=f"coordinator_{number}")
        assign(user, BuiltinRole.ORG_SECRETARY, world.org_a)
        coordinators.append(user)
    volunteers = [
        volunteer_in(world.grid_a1, world.org_a, name=f"志愿者{number}") for number in range(THREADS)
    ]

    results = _race(
        [
            lambda user=user, volunteer=volunteer: services.assign_need(
                Need.objects.get(pk=need.pk), volunteer, user
            )
            for user, volunteer in zip(coordinators, volunteers, strict=True)
        ]
    )

    _one_winner(results)
    need.refresh_from_db()
    assert need.state == NeedState.ASSIGNED and need.version == 2
