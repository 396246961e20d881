"""``manage.py worker``: runs queued background tasks and enqueues periodic jobs, in one process.

The database task worker (django-tasks-db's ``db_worker`` loop) and the periodic scheduler
alternate on one thread, which keeps SQLite to one writer per process; run several of these
processes for more throughput: the scheduler enqueues each period once whatever their number.
When ``REDIS_URL`` is set, tasks go to RQ (``django_tasks_rq``): the command then runs an RQ
worker on the queues, and the scheduler ticks in a thread beside it.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.db.utils import OperationalError, ProgrammingError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from dangjian.core import scheduler

logger = logging.getLogger("dangjian.worker")
RETRY_SECONDS = 60
# Periods are hours or days: looking for due jobs every few seconds is plenty.
TICK_SECONDS = 5


class _QuietBatchFilter(logging.Filter):
    """Drops db_worker's start/stop lines, which a batch run per scheduler round would repeat each second."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Starting worker", "No more tasks to run"))


class Command(BaseCommand):
    help = "Run background tasks and the periodic scheduler until SIGTERM or SIGINT."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when no task is queued (default: 1).",
        )
        parser.add_argument(
            "--queue-name",
            default="default",
            help="Queues to process, comma-separated; '*' for all (default: default).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Tick the scheduler once, run every queued task, then exit (for cron and tests).",
        )

    def handle(self, *, interval: float, queue_name: str, once: bool, **options) -> None:
        self.stopping = threading.Event()
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
            self.run_rq_worker(queue_name, once)
            return
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )

        def stop(signum, frame) -> None:
            if self.stopping.is_set():
                # A second signal: give up on the running task, as db_worker does.
                raise SystemExit(1)
            logger.info("Received %s; stopping after the current task.", signal.strsignal(signum))
            self.stopping.set()
            worker.running = False

        logging.getLogger("django_tasks_db").addFilter(_QuietBatchFilter())
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        jobs = scheduler.registered_jobs()
        logger.info(
            "Worker started: queues %s, periodic jobs: %s",
            queue_name,
            ", ".join(f"{job.name} every {job.every}" for job in jobs) or "none",
        )
        next_tick = 0.0
        while not self.stopping.is_set():
            if time.monotonic() >= next_tick:
                try:
                    scheduler.tick()
                except (OperationalError, ProgrammingError) as error:
                    # A locked SQLite database, a lost connection or migrations not applied yet:
                    # say so once a minute instead of every round.
                    logger.warning("Scheduler tick failed (%s); retrying in %d s", error, RETRY_SECONDS)
                    next_tick = time.monotonic() + RETRY_SECONDS
                else:
                    next_tick = time.monotonic() + TICK_SECONDS
            worker.running = True
            worker.run()
            close_old_connections()
            if once:
                break
            self.stopping.wait(interval)
        logger.info("Worker stopped.")

    def run_rq_worker(self, queue_name: str, once: bool) -> None:
        """RQ's own worker loop (it stops warmly on SIGINT/SIGTERM); the scheduler ticks in a thread."""
        import django_rq
        from django_tasks_rq.backend import Job
        from rq import SimpleWorker

        names = list(django_rq.settings.QUEUES) if queue_name == "*" else queue_name.split(",")
        queues = [django_rq.get_queue(name, job_class=Job) for name in names]
        # SimpleWorker runs each task in this process, as the database worker does, so Django's
        # connections are never shared with a forked child.
        worker = SimpleWorker(queues, connection=queues[0].connection, job_class=Job)
        jobs = scheduler.registered_jobs()
        logger.info(
            "Worker started (RQ): queues %s, periodic jobs: %s",
            ",".join(names),
            ", ".join(f"{job.name} every {job.every}" for job in jobs) or "none",
        )
        if once:
            _tick_safely()
            worker.work(burst=True, logging_level="WARNING")
            logger.info("Worker stopped.")
            return
        ticking = threading.Thread(target=self._tick_until_stopped, name="scheduler", daemon=True)
        ticking.start()
        try:
            worker.work(logging_level="WARNING")
        finally:
            self.stopping.set()
            ticking.join(timeout=TICK_SECONDS * 2)
        logger.info("Worker stopped.")

    def _tick_until_stopped(self) -> None:
        try:
            while not self.stopping.is_set():
                self.stopping.wait(_tick_safely())
        finally:
            connections.close_all()  # this thread's own connection


def _tick_safely() -> float:
    """One scheduler tick; the seconds until the next (longer after a database error)."""
    try:
        scheduler.tick()
    except (OperationalError, ProgrammingError) as error:
        logger.warning("Scheduler tick failed (%s); retrying in %d s", error, RETRY_SECONDS)
        close_old_connections()
        return RETRY_SECONDS
    return TICK_SECONDS
