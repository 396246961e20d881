"""Staff placing people in the last positions of a posting, or putting people on a full training,
at the same moment: the posting's or the session's row lock keeps the count within the limit.

PostgreSQL only: the SQLite test database answers a held lock at once instead of waiting, which
tests/service/test_concurrency.py works around; the rule itself is the same code on both.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from dangjian.core.errors import RuleViolation
from dangjian.jobs import services
from dangjian.jobs.models import JobPosting, JobSeeker, Placement, TrainingAttendance, TrainingSession
from tests.jobs.helpers import posting, resident_in, seeker, training

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are waited for on PostgreSQL"),
]
THREADS = 8


def _race(acts) -> list:
    barrier = threading.Barrier(len(acts))
    results: list = []

    def run(act) -> None:
        try:
            barrier.wait(timeout=30)
            act()
            results.append("won")
        except RuleViolation as error:
            results.append(error.rule)
        except Exception as error:  # any other outcome fails the assertions
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


def test_simultaneous_placements_never_fill_more_positions_than_offered(world, secretary_a):
    assert connection.vendor == "postgresql"
    job = posting(world.grid_a1, world.org_a, positions=3)
    seekers = [seeker(world.building_a1, world.org_a, f"求职{number}") for number in range(THREADS)]

    results = _race(
        [
            lambda one=one: services.place_seeker(
                JobSeeker.objects.get(pk=one.pk), JobPosting.objects.get(pk=job.pk), by=secretary_a
            )
            for one in seekers
        ]
    )

    assert results.count("won") == 3, results
    assert results.count("posting_full") == THREADS - 3, results
    assert Placement.objects.filter(posting=job).count() == 3


def test_simultaneous_enrolments_never_exceed_the_capacity(world, secretary_a):
    session = training(world.grid_a1, world.org_a, capacity=2)
    people = [resident_in(world.building_a1, f"学员{number}") for number in range(THREADS)]

    results = _race(
        [
            lambda person=person: services.enrol(
                TrainingSession.objects.get(pk=session.pk), person, by=secretary_a
            )
            for person in people
        ]
    )

    assert results.count("won") == 2, results
    assert TrainingAttendance.objects.filter(session=session).count() == 2
