"""With ``REDIS_URL`` set, background tasks go through RQ on Redis, and ``worker`` runs an RQ worker.

These tests use a real Redis at 127.0.0.1:6379, database 15 (14, 13 … for further pytest-xdist
workers, so parallel workers never flush each other's queue), flushed before and after; ``.ci/run``
installs and starts Redis when it is missing; without Redis they fail rather than skip.
"""

from __future__ import annotations

import os

import pytest
import redis
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus, task, task_backends

_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = f"redis://127.0.0.1:6379/{15 - _WORKER % 8}"
RQ_SETTINGS = {
    "RQ_QUEUES": {"default": {"URL": REDIS_URL}},
    "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
}


@task()
def multiply(a: int, b: int) -> int:
    return a * b


@pytest.fixture
def rq_backend():
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        # Like PostgreSQL, Redis is part of what `make test` needs: a missing server fails the
        # tests instead of skipping them (.ci/run installs and starts it).
        pytest.fail("Redis does not answer at 127.0.0.1:6379: start redis-server (see .ci/run).")
    connection.flushdb()
    with override_settings(**RQ_SETTINGS):
        yield connection
    connection.flushdb()
    connection.close()


def run_burst_worker() -> None:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(
        burst=True, logging_level="WARNING"
    )


def test_the_settings_choose_rq_when_redis_url_is_set(rq_backend):
    from django_tasks_rq import RQBackend

    assert isinstance(task_backends["default"], RQBackend)


def test_a_task_enqueued_through_rq_is_run_by_a_burst_worker(rq_backend, db):
    result = multiply.enqueue(6, 7)
    assert result.backend == "default"
    assert rq_backend.llen("rq:queue:default") == 1

    run_burst_worker()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42
    assert rq_backend.llen("rq:queue:default") == 0


def test_the_worker_command_runs_the_periodic_jobs_on_rq(rq_backend, db):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    from dangjian.core.scheduler import registered_jobs

    call_command("worker", "--once")

    queue = django_rq.get_queue("default", job_class=Job)
    finished = [
        Job.fetch(job_id, connection=queue.connection)
        for job_id in FinishedJobRegistry(queue=queue).get_job_ids()
    ]
    assert FailedJobRegistry(queue=queue).count == 0
    assert {job.func_name for job in finished} == {job.name for job in registered_jobs()}
    assert "dangjian.service.tasks.mark_overdue_requests" in {job.func_name for job in finished}
