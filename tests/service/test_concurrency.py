"""Several people acting on one request at the same moment: exactly one succeeds (issue 4 acceptance).

Each thread has its own database connection and starts at a barrier. On PostgreSQL the losers
wait on the row lock (``select_for_update``) and then find the state already changed; on SQLite
they wait on the database write lock. Either way each loser gets a ``RuleViolation`` with a
Chinese message, and the request has one handler.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, connections
from django.utils import translation

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.service import services
from dangjian.service.choices import RequestState
from dangjian.service.models import RequestEvent, ServiceRequest
from tests.factories import UserFactory, assign
from tests.service.conftest import dispatched_request, file_request

THREADS = 20
SQLITE_LOCK_ATTEMPTS = 500
WON = "won"


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def _act_in_thread(
    request_pk: int, act: Callable[[ServiceRequest], object], barrier: threading.Barrier, results: list
) -> None:
    try:
        barrier.wait(timeout=30)
        with translation.override("zh-hans"):
            for _attempt in range(SQLITE_LOCK_ATTEMPTS):
                try:
                    act(ServiceRequest.objects.get(pk=request_pk))
                except OperationalError as error:
                    # The SQLite test database is in memory with a shared cache, where a held lock
                    # answers "table is locked" at once instead of waiting out busy_timeout as the
                    # file database does in production: wait here, as the busy handler would.
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.01)
                else:
                    results.append(WON)
                    return
            results.append("database is locked")
    except RuleViolation as error:
        results.append(error)
    except Exception as error:  # anything else fails the assertions of the test
        results.append(error)
    finally:
        connections.close_all()


def race(request_pk: int, acts: list[Callable[[ServiceRequest], object]]) -> list:
    """Run every act at once, each in its own thread and connection; the outcomes in finishing order."""
    barrier = threading.Barrier(len(acts))
    results: list = []
    threads = [
        threading.Thread(target=_act_in_thread, args=(request_pk, act, barrier, results)) for act in acts
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def assert_one_winner(results: list, count: int) -> list[RuleViolation]:
    """Exactly one won; every loser was refused with a Chinese message (on SQLite, or still locked)."""
    assert len(results) == count, results
    assert results.count(WON) == 1, results
    losers = [result for result in results if result != WON]
    refusals = [result for result in losers if isinstance(result, RuleViolation)]
    if connection.vendor == "postgresql":
        assert len(refusals) == count - 1, losers
    else:
        assert all(
            isinstance(result, RuleViolation) or result == "database is locked" for result in losers
        ), losers
    for refusal in refusals:
        assert _is_chinese(refusal.message), refusal.message
        assert refusal.rule.endswith(".state") or refusal.rule == "version", refusal.rule
    return refusals


def assert_no_request_has_two_handlers() -> None:
    assert not ServiceRequest.objects.filter(
        handler_org__isnull=False, handler_department__isnull=False
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_acceptances_one_succeeds(world, service_world, secretary_a):
    request_obj = file_request(world, service_world.garbage)
    dispatchers = [secretary_a]
    for number in range(1, THREADS):
        user = UserFactory(username=f"dispatcher_{number}", last_name="派单", first_name=str(number))
        assign(user, BuiltinRole.ORG_SECRETARY, world.org_a)
        dispatchers.append(user)

    results = race(
        request_obj.pk,
        [lambda current, user=user: services.accept_request(current, by=user) for user in dispatchers],
    )

    refusals = assert_one_winner(results, THREADS)
    for refusal in refusals:
        assert "已受理" in refusal.message, refusal.message
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.ACCEPTED
    assert request_obj.version == 2
    assert request_obj.events.filter(action="accept").count() == 1
    assert (
        AuditEntry.objects.filter(object_id=str(request_obj.pk), note__startswith="service.accept").count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_handlers_starting_at_once_one_becomes_the_assignee(
    world, service_world, secretary_a, handler_a1, grid_worker_a
):
    request_obj = dispatched_request(world, service_world, secretary_a)
    assert services.may(grid_worker_a, "start", request_obj)
    assert services.may(handler_a1, "start", request_obj)
    handlers = [handler_a1, grid_worker_a] * (THREADS // 2)

    results = race(
        request_obj.pk,
        [lambda current, user=user: services.start_handling(current, by=user) for user in handlers],
    )

    refusals = assert_one_winner(results, THREADS)
    for refusal in refusals:
        assert "处置中" in refusal.message, refusal.message
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.IN_PROGRESS
    assert request_obj.assignee in (handler_a1, grid_worker_a)
    start = request_obj.events.get(action="start")
    assert start.by == request_obj.assignee


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_dispatches_to_different_handlers_record_one_handler(
    world, service_world, secretary_a
):
    request_obj = file_request(world, service_world.garbage)
    services.accept_request(request_obj, by=secretary_a)
    assignees = [UserFactory(username=f"handler_{number}") for number in range(THREADS // 2)]

    def to_branch(user):
        return lambda current: services.dispatch_request(
            current, by=secretary_a, handler_org=world.branch_a1, assignee=user
        )

    def to_department():
        return lambda current: services.dispatch_request(
            current, by=secretary_a, handler_department=service_world.department
        )

    acts = []
    for user in assignees:
        acts += [to_branch(user), to_department()]

    results = race(request_obj.pk, acts)

    assert_one_winner(results, THREADS)
    request_obj.refresh_from_db()
    assert request_obj.state == RequestState.DISPATCHED
    assert (request_obj.handler_org is None) != (request_obj.handler_department is None)
    if request_obj.handler_org is not None:
        assert request_obj.handler_org == world.branch_a1
        assert request_obj.assignee in assignees
    else:
        assert request_obj.handler_department == service_world.department
        assert request_obj.assignee is None
    assert RequestEvent.objects.filter(request=request_obj, action="dispatch").count() == 1
    assert_no_request_has_two_handlers()
