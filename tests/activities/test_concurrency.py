"""Many people at once (issue 12 acceptance): 50 sign-ups for 10 places → exactly 10 accepted; many
redemptions against one balance → never below 0.

Each thread has its own database connection and starts at a barrier. On PostgreSQL the losers wait
on the activity's (or the points account's) row lock and then count what the winners wrote; on
SQLite they wait on the database write lock (retried here, as its busy handler would), as in
tests/service/test_concurrency.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, connections
from django.utils import translation

from dangjian.activities.choices import SignUpState
from dangjian.activities.models import PointAccount, PointEntry, Redemption, SignUp
from dangjian.activities.services import points, signups
from dangjian.core.errors import RuleViolation
from tests.activities.helpers import activity_in, record_at, reward_in, volunteer

SQLITE_LOCK_ATTEMPTS = 1000
WON = "won"


def _act(act: Callable[[], object], barrier: threading.Barrier, results: list) -> None:
    try:
        barrier.wait(timeout=60)
        with translation.override("zh-hans"):
            for _attempt in range(SQLITE_LOCK_ATTEMPTS):
                try:
                    act()
                except OperationalError as error:
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.01)
                else:
                    results.append(WON)
                    return
            results.append("database is locked")
    except RuleViolation as error:
        results.append(error)
    except Exception as error:  # fails the assertions below
        results.append(error)
    finally:
        connections.close_all()


def race(acts: list[Callable[[], object]]) -> list:
    barrier = threading.Barrier(len(acts))
    results: list = []
    threads = [threading.Thread(target=_act, args=(act, barrier, results)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.django_db(transaction=True)
def test_fifty_sign_ups_for_ten_places_accept_exactly_ten(world):
    activity = activity_in(world.org_a, world.community_a, capacity=10, starts_in_hours=24)
    users = [volunteer(f"racer{i}", f"志愿者{i}") for i in range(50)]
    results = race([lambda user=user: signups.sign_up(activity, by=user) for user in users])
    won = [result for result in results if result == WON]
    refused = [result for result in results if isinstance(result, RuleViolation)]
    assert len(won) == 10, results
    assert len(refused) == 40 and {error.rule for error in refused} == {"activity_full"}, results
    assert SignUp.objects.filter(activity=activity, state=SignUpState.SIGNED_UP).count() == 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_overdraw_the_balance(world):
    user = volunteer()
    points.post_points_for(record_at(world.org_a, user.person, hours=5))  # 50 points
    item = reward_in(world.org_a, world.community_a, cost=20, stock=100)
    results = race([lambda: points.redeem(item, by=user) for _ in range(8)])
    assert results.count(WON) == 2, results
    assert {error.rule for error in results if isinstance(error, RuleViolation)} == {"balance_too_low"}
    account = PointAccount.objects.get(person=user.person)
    assert account.balance == 10
    assert Redemption.objects.count() == 2
    assert sum(PointEntry.objects.filter(account=account).values_list("delta", flat=True)) == 10
