"""Background tasks of the shared mechanisms: checks that keep the working-day calendar complete,
the sealing of the audit log into its hash chain, the removal of expired import uploads, and
notices sent by e-mail and SMS."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic
from dangjian.core.workbench import SNAPSHOT_EVERY

logger = logging.getLogger(__name__)


@periodic(every=timedelta(days=1))
@task()
def check_calendar_years() -> list[int]:
    """Warn admins daily about years whose holidays and 调休 days have not been entered.

    The State Council publishes next year's holiday arrangement each November; until an
    admin enters it, deadlines counted in working days fall back to the statutory holidays
    and miss the make-up days. The task only reads and logs, so running it twice is harmless.
    """
    from dangjian.core.workdays import missing_calendar_years

    years = sorted(missing_calendar_years())
    if years:
        logger.warning(
            "Holidays and make-up working days are missing for %s: an administrator must enter "
            "them from the State Council notice (admin → Calendar years → Enter a whole year).",
            ", ".join(str(year) for year in years),
        )
    return years


# Every 5 minutes: a line is open to an undetected edit for at most that long, and the job
# adds 288 task results a day (every minute would be 1,440). A run with nothing new seals nothing.
SEAL_EVERY = timedelta(minutes=5)


@periodic(every=SEAL_EVERY)
@task()
def seal_audit_log() -> int:
    """Seal the audit lines written since the last run into the hash chain (core.audit_chain)."""
    from dangjian.core.audit_chain import seal_pending

    sealed = seal_pending()
    if sealed:
        logger.info("Audit chain: sealed %s entries.", sealed)
    return sealed


@periodic(every=SNAPSHOT_EVERY)
@task()
def refresh_workbench_snapshots() -> int:
    """Recompute the wide 工作台's snapshots of the apps' counts (core.workbench.wide_counts)."""
    from dangjian.core.workbench import refresh_workbench_snapshots as refresh

    return refresh()


# Hourly: an upload nobody confirmed or cancelled stays at most an hour past PENDING_MAX_AGE
# (24 hours, core/excel/cells.py), encrypted; a run with nothing expired removes nothing.
REMOVE_EXPIRED_UPLOADS_EVERY = timedelta(hours=1)


@periodic(every=REMOVE_EXPIRED_UPLOADS_EVERY)
@task()
def remove_expired_uploads() -> int:
    """Delete the kept import uploads (core/excel/pending.py) that expired without a confirm or cancel."""
    from dangjian.core.excel.pending import remove_stale_uploads

    removed = remove_stale_uploads()
    if removed:
        logger.info("Removed %s expired import uploads.", removed)
    return removed


@task()
def deliver_notification(notification_id: int) -> int:
    """Plan one notice's e-mails and SMS by its readers' choices and send those due (enqueued by
    ``notify`` after its transaction commits); returns how many went out."""
    from dangjian.core.notice_channels import plan_deliveries, send_due

    plan_deliveries(notification_id)
    return send_due(notification_id=notification_id)


# Every minute: the first retry comes a minute after a failure, and quiet hours release on time.
SEND_DELIVERIES_EVERY = timedelta(minutes=1)


@periodic(every=SEND_DELIVERIES_EVERY)
@task()
def send_due_deliveries() -> int:
    """Send the notice e-mails and SMS that are due: retries after a failure, held ones after quiet hours."""
    from dangjian.core.notice_channels import send_due

    sent = send_due()
    if sent:
        logger.info("Sent %s notice deliveries.", sent)
    return sent
