"""Background tasks of organizational life: the daily 静默支部 (silent branch) flag."""

from __future__ import annotations

import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic
from dangjian.core.workbench import SNAPSHOT_EVERY

logger = logging.getLogger(__name__)


def flag_silent_branches_now(now=None) -> int:
    """Notify each silent branch's superior organization once per silent spell; returns the
    notifications written. The dedupe key names the branch and its last activity, so running
    it again (the next day, or twice the same day) writes nothing until the branch holds a
    meeting and falls silent again."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext, override

    from dangjian.core.notifications import notify
    from dangjian.life.silence import silent_branches
    from dangjian.orgs.models import Organization

    roots = list(Organization.objects.filter(depth=1).order_by("path"))
    silent = silent_branches(roots, now=now)
    steplen = Organization.steplen
    superiors = {
        org.path: org
        for org in Organization.objects.filter(path__in={branch.path[:-steplen] for branch in silent})
    }
    written = 0
    with override("zh-hans"):
        for branch in silent:
            superior = superiors.get(branch.path[:-steplen])
            if superior is None:
                continue
            since = timezone.localdate(branch.last_activity).isoformat() if branch.last_activity else "none"
            last = (
                date_format(timezone.localdate(branch.last_activity), "DATE_FORMAT")
                if branch.last_activity
                else gettext("none recorded")
            )
            note = notify(
                kind="life.silent_branch",
                title=gettext("Silent branch: %(name)s") % {"name": branch.name},
                body=gettext("%(name)s has held no meeting for more than 30 days (last activity: %(last)s).")
                % {"name": branch.name, "last": last},
                link=reverse("life:compliance") + f"?org={branch.org_id}",
                org=superior,
                # The compliance page of the branch asks for it (life.views._root_org).
                permission="life.view_meeting",
                obj=("orgs.organization", branch.org_id),
                dedupe_key=f"life-silent:{branch.org_id}:{since}",
            )
            written += note is not None
    return written


@periodic(every=timedelta(days=1))
@task()
def flag_silent_branches() -> int:
    """Once a day, flag 静默支部 to their superior organizations (idempotent)."""
    count = flag_silent_branches_now()
    if count:
        logger.info("Flagged %s silent branches to their superior organizations.", count)
    return count


@periodic(every=SNAPSHOT_EVERY)
@task()
def refresh_outstanding_snapshot() -> int:
    """Recount the 三会一课 still to hold of every organization for the wide 工作台 (life.snapshot)."""
    from dangjian.life.snapshot import refresh_outstanding_snapshot as refresh

    return refresh()
