"""The 三会一课 still-to-hold snapshot (``OutstandingSnapshot``): its refresh by the worker and
the wide 工作台's reading of it. Narrow roots and a missing or stale snapshot compute live
(life/workbench.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.workbench import snapshot_is_fresh
from dangjian.life import compliance
from dangjian.life.models import OutstandingSnapshot
from dangjian.orgs.models import Organization

CADENCES = ("month", "quarter", "year")
Outstanding = list[tuple[str, Period, list[str], list[tuple[str, tuple[str, ...]]]]]


def refresh_outstanding_snapshot() -> int:
    """Count, for every organization that must hold meetings, the kinds it is still short of in
    this month, quarter and year, and replace the snapshot; returns the rows written. Three
    queries per cadence and tree root, then one transaction."""
    rules = compliance.active_rules()
    windows = compliance.running_cadence_periods(timezone.localdate())
    now = timezone.now()
    rows = []
    for root in Organization.objects.filter(depth=1).order_by("path"):
        for cadence in CADENCES:
            cadence_rules = [rule for rule in rules if rule.period == cadence]
            if not cadence_rules:
                continue
            window = windows[cadence]
            for unit in compliance.outstanding(root, window, rules=cadence_rules):
                missing = [entry.kind for entry in unit.kinds if entry.missing]
                rows.append(
                    OutstandingSnapshot(
                        org_id=unit.org_id,
                        cadence=cadence,
                        window_start=window.start,
                        missing=missing,
                        is_short=bool(missing),
                        computed_at=now,
                    )
                )
    with transaction.atomic():
        OutstandingSnapshot.objects.all().delete()
        OutstandingSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def snapshot_outstanding(root: Organization) -> Outstanding | None:
    """What ``life.workbench._compute`` answers for ``root``, read from the snapshot, or None
    when the snapshot of the running periods is missing or stale. Three queries."""
    rules = compliance.active_rules()
    windows = compliance.running_cadence_periods(timezone.localdate())
    cadences = [cadence for cadence in CADENCES if any(rule.period == cadence for rule in rules)]
    if not cadences:
        return []
    current = OutstandingSnapshot.objects.filter(
        org__path__startswith=root.path, window_start__in={windows[cadence].start for cadence in cadences}
    )
    latest = current.aggregate(at=Max("computed_at"))["at"]
    if not snapshot_is_fresh(latest):
        return None
    short_by_cadence: dict[str, list[tuple[str, tuple[str, ...]]]] = {cadence: [] for cadence in cadences}
    for path, cadence, start, missing in current.filter(is_short=True).values_list(
        "org__path", "cadence", "window_start", "missing"
    ):
        if cadence in short_by_cadence and start == windows[cadence].start:
            short_by_cadence[cadence].append((path, tuple(missing)))
    return [
        (
            cadence,
            windows[cadence],
            [rule.kind for rule in rules if rule.period == cadence],
            sorted(short_by_cadence[cadence]),
        )
        for cadence in cadences
    ]
