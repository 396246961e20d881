"""Background task of the dashboard: the big screen's kept values, recomputed while watched."""

from __future__ import annotations

import datetime

from django_tasks import task

from dangjian.core.scheduler import periodic


@periodic(every=datetime.timedelta(minutes=1))
@task()
def refresh_screen_snapshots() -> int:
    """Recompute the values of the screens read in the last quarter of an hour (dashboard.screen.snapshots)."""
    from dangjian.dashboard.screen.snapshots import refresh_screen_snapshots as refresh

    return refresh()
