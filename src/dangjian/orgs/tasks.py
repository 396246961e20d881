"""Background task of the orgs app: the key figures snapshot of the streets' and the district's 工作台."""

from __future__ import annotations

from django_tasks import task

from dangjian.core.scheduler import periodic
from dangjian.core.workbench import SNAPSHOT_EVERY


@periodic(every=SNAPSHOT_EVERY)
@task()
def refresh_key_figure_snapshot() -> int:
    """Recompute the key figures of every street and district organization (orgs.snapshot)."""
    from dangjian.orgs.snapshot import refresh_key_figure_snapshot as refresh

    return refresh()
