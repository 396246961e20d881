"""Periodic jobs are enqueued once per period, and the worker really runs queued tasks."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from dangjian.core import scheduler, workdays
from dangjian.core.models import CalendarYear, ScheduledJob
from dangjian.core.tasks import check_calendar_years


@task()
def add_numbers(a: int, b: int) -> int:
    return a + b


@task()
def hourly_report() -> str:
    return "done"


@pytest.fixture
def hourly_job():
    job = scheduler.register_periodic(hourly_report, every=timedelta(hours=1))
    yield job
    scheduler.unregister_periodic(job.name)


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return timezone.make_aware(datetime(2026, 11, day, hour, minute))


def queued(job) -> int:
    return DBTaskResult.objects.filter(task_path=job.name).count()


def test_a_periodic_job_is_enqueued_once_when_two_schedulers_tick_in_the_same_period(db, hourly_job):
    first = scheduler.tick(now=at(9, 0))
    second = scheduler.tick(now=at(9, 0))
    third = scheduler.tick(now=at(9, 59))

    assert hourly_job.name in first
    assert hourly_job.name not in second + third
    assert queued(hourly_job) == 1


def test_a_periodic_job_is_enqueued_again_in_the_next_period(db, hourly_job):
    scheduler.tick(now=at(9, 30))
    scheduler.tick(now=at(10, 0))
    scheduler.tick(now=at(10, 45))

    assert queued(hourly_job) == 2
    assert ScheduledJob.objects.get(name=hourly_job.name).last_run_at == at(10, 0)


def test_only_the_scheduler_whose_update_changed_the_row_claims_the_period(db, hourly_job):
    claims = [scheduler.claim_period(hourly_job, at(14, 5)) for _ in range(3)]

    assert claims == [True, False, False]


def test_daily_periods_start_at_local_midnight(db):
    job = scheduler.PeriodicJob(name="daily", task=hourly_report, every=timedelta(days=1))

    assert job.period_start(at(23, 59)) == at(0, 0)
    assert job.period_start(at(0, 1, day=25)) == at(0, 0, day=25)


def test_the_calendar_check_is_registered_as_a_daily_job():
    jobs = {job.name: job for job in scheduler.registered_jobs()}

    assert jobs["dangjian.core.tasks.check_calendar_years"].every == timedelta(days=1)


# The worker closes connections between rounds, as a long-running process must, which ends a
# test transaction: these tests commit for real (transactional_db).
def test_db_worker_runs_an_enqueued_task(transactional_db):
    result = add_numbers.enqueue(2, 3)

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5


@pytest.fixture
def fresh_calendar():
    workdays.reset_default_calendar()
    yield
    workdays.reset_default_calendar()


def test_worker_runs_the_calendar_check_which_warns_about_a_year_not_entered(
    transactional_db, fresh_calendar, caplog
):
    this_year = timezone.localdate().year
    CalendarYear.objects.filter(year__gte=this_year).delete()

    with caplog.at_level(logging.WARNING, logger="dangjian.core.tasks"):
        call_command("worker", "--once")

    result = DBTaskResult.objects.get(task_path="dangjian.core.tasks.check_calendar_years")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert this_year in result.return_value
    assert f"missing for {this_year}" in caplog.text
    assert "must enter them" in caplog.text


def test_the_calendar_check_is_silent_when_the_years_are_entered(db, fresh_calendar, caplog):
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "国务院办公厅通知"})

    with caplog.at_level(logging.WARNING, logger="dangjian.core.tasks"):
        missing = check_calendar_years.call()

    assert missing == []
    assert "must enter" not in caplog.text


def test_four_worker_processes_started_together_enqueue_the_daily_check_once(tmp_path):
    """Real processes on one SQLite file (WAL, busy timeout): the conditional update decides."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env["DANGJIAN_DATA_DIR"] = str(tmp_path)
    command = [sys.executable, "-m", "dangjian"]
    subprocess.run([*command, "manage", "migrate", "--no-input"], env=env, check=True, capture_output=True)

    workers = [
        subprocess.Popen([*command, "manage", "worker", "--once"], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [worker.communicate(timeout=120)[1] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], outputs
    with sqlite3.connect(tmp_path / "dangjian.sqlite3") as database:
        (enqueued,) = database.execute(
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
            ["dangjian.core.tasks.check_calendar_years"],
        ).fetchone()
        per_task = dict(
            database.execute(
                "SELECT task_path, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY task_path"
            ).fetchall()
        )
    assert enqueued == 1
    # Several periodic jobs exist; the workers may share them out, but each is enqueued once.
    assert (
        sum("Enqueued periodic job dangjian.core.tasks.check_calendar_years " in output for output in outputs)
        == 1
    )
    assert per_task and set(per_task.values()) == {1}, per_task
    assert not [output for output in outputs if "Scheduler tick failed" in output]
