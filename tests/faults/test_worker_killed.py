"""A worker killed in the middle of a task (issue 15, point 11): the task runs again — the
scheduler enqueues it in its next period, or RQ hands a dead worker's job on — and the second
run must not repeat what the first did. Simulated at the worst moment: the first run's work
is committed, the acknowledgement never came, every periodic job runs again."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from dangjian.core.scheduler import registered_jobs
from dangjian.service.services import invite_rating
from tests.service.conftest import dispatched_request, resolved_request

pytestmark = pytest.mark.django_db

# What the task queue itself writes is the queue's business, not a job's effect.
QUEUE_TABLES = {"django_tasks_db.dbtaskresult", "core.scheduledjob"}


def _counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and model._meta.label_lower not in QUEUE_TABLES
    }


def test_every_periodic_job_run_again_after_a_lost_acknowledgement_changes_nothing(
    world, service_world, secretary_a, handler_a1
):
    long_ago = timezone.now() - datetime.timedelta(days=20)
    dispatched_request(world, service_world, secretary_a, now=long_ago)  # overdue: marked, escalated
    resolved_request(world, service_world, secretary_a, handler_a1, now=long_ago)  # to invite, archive
    invited = resolved_request(world, service_world, secretary_a, handler_a1, now=long_ago)
    invite_rating(invited, now=long_ago)
    # The audit log's sealing last, as it seals what the other jobs wrote in the same round.
    jobs = sorted(registered_jobs(), key=lambda job: job.name.endswith("seal_audit_log"))
    assert len(jobs) >= 20  # every app's jobs, not a few
    before = _counts()

    for job in jobs:  # the first run: its work is done and committed, then the worker dies
        job.task.func()
    after_first = _counts()
    for job in jobs:  # the run again
        job.task.func()

    assert after_first != before  # the first run did something (notices, events, audit lines)
    assert _counts() == after_first
