"""The periodic scheduler: time-based work (deadlines, reminders, calendar checks) enqueued on its own clock.

A periodic job is a django-tasks ``Task`` with a period. Every worker process ticks the
scheduler; a job is enqueued once per period however many workers tick, because each claims
the period with a conditional ``UPDATE … WHERE last_run_at < period_start`` and only the one
that changed the row enqueues (the Healthchecks ``sendalerts`` pattern; safe on SQLite and
PostgreSQL without advisory locks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from dangjian.core.registry import registry

logger = logging.getLogger(__name__)

# Periods are counted from a fixed local midnight, so a daily job's period starts at midnight
# in the platform's time zone (Asia/Shanghai by default) and a weekly one on a Monday.
_EPOCH = datetime(2001, 1, 1)


@dataclass(frozen=True)
class PeriodicJob:
    """A task and how often it runs; ``name`` is the task's import path, the key of its row."""

    name: str
    task: object
    every: timedelta

    def period_start(self, now: datetime) -> datetime:
        """The start of the period that contains ``now``."""
        epoch = timezone.make_aware(_EPOCH, timezone.get_current_timezone())
        periods = (now - epoch) // self.every
        return epoch + periods * self.every


def register_periodic(task, *, every: timedelta) -> PeriodicJob:
    """Run ``task`` (a django-tasks ``Task`` taking no arguments) once per ``every``."""
    if every <= timedelta(0):
        raise ValueError("A periodic job needs a positive period.")
    name = getattr(task, "module_path", None) or f"{task.__module__}.{task.__qualname__}"
    job = PeriodicJob(name=name, task=task, every=every)
    registry["periodic_jobs"][name] = job
    return job


def periodic(*, every: timedelta) -> Callable:
    """Decorator form of ``register_periodic``; put it above ``@task()``."""

    def decorate(task):
        register_periodic(task, every=every)
        return task

    return decorate


def registered_jobs() -> list[PeriodicJob]:
    """Every periodic job, after importing each installed app's ``tasks`` module."""
    autodiscover_modules("tasks")
    return sorted(registry["periodic_jobs"].values(), key=lambda job: job.name)


def unregister_periodic(name: str) -> None:
    registry["periodic_jobs"].pop(name, None)


def claim_period(job: PeriodicJob, now: datetime) -> bool:
    """Mark the current period of ``job`` as taken; True only for the caller that took it."""
    from dangjian.core.models import ScheduledJob

    ScheduledJob.objects.bulk_create([ScheduledJob(name=job.name)], ignore_conflicts=True)
    start = job.period_start(now)
    taken = (
        ScheduledJob.objects.filter(name=job.name)
        .filter(Q(last_run_at__isnull=True) | Q(last_run_at__lt=start))
        .update(last_run_at=now)
    )
    return taken == 1


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current period has not been claimed yet; returns their names.

    One read finds the due jobs, so a tick with nothing due writes nothing (SQLite has one
    writer at a time). The claim and the enqueue share one transaction: if enqueueing fails,
    the period stays open and the next tick tries again.
    """
    from dangjian.core.models import ScheduledJob

    now = now or timezone.now()
    last_runs = dict(ScheduledJob.objects.values_list("name", "last_run_at"))
    enqueued = []
    for job in registered_jobs():
        last_run = last_runs.get(job.name)
        if last_run is not None and last_run >= job.period_start(now):
            continue
        with transaction.atomic():
            if not claim_period(job, now):
                continue
            job.task.enqueue()
        logger.info("Enqueued periodic job %s for the period starting %s", job.name, job.period_start(now))
        enqueued.append(job.name)
    return enqueued
