"""The arrears snapshot (``ArrearsSnapshot``): its refresh by the worker and the wide 工作台's
reading of it. Narrow scopes and a missing or stale snapshot count live (dues/workbench.py)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from dangjian.core.workbench import count_by_child, snapshot_is_fresh
from dangjian.dues.figures import in_arrears
from dangjian.dues.ledger import last_due_month
from dangjian.dues.models import ArrearsSnapshot
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

VIEW = "dues.view_duespayment"


def refresh_arrears_snapshot(month: datetime.date | None = None) -> int:
    """Count every organization's members behind and six months behind for ``month`` (the last
    month that is over) and replace the snapshot with them; returns the rows written. Two
    grouped queries over all members, then one transaction: readers see the old rows or the new."""
    month = month or last_due_month()
    counts: dict[int, dict[str, int]] = {}
    for kind, six in (("behind", False), ("six", True)):
        rows = (
            in_arrears(PartyMember.objects.all(), month, six=six)
            .order_by()
            .values("org_id")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts.setdefault(row["org_id"], {})[kind] = row["n"]
    now = timezone.now()
    snapshot = [
        ArrearsSnapshot(
            org_id=org_pk,
            month=month,
            behind=counts.get(org_pk, {}).get("behind", 0),
            six=counts.get(org_pk, {}).get("six", 0),
            computed_at=now,
        )
        for org_pk in Organization.objects.values_list("pk", flat=True)
    ]
    with transaction.atomic():
        ArrearsSnapshot.objects.all().delete()
        ArrearsSnapshot.objects.bulk_create(snapshot, batch_size=2000)
    return len(snapshot)


def _visible_rows(user, month: datetime.date):
    return ArrearsSnapshot.objects.filter(month=month, org__in=Organization.objects.visible_to(user, VIEW))


def snapshot_counts(user, month: datetime.date) -> tuple[dict[str, int], datetime.datetime] | None:
    """``({"behind": n, "six": n}, computed at)`` over the organizations ``user`` may read the
    dues of, or None when no fresh snapshot of ``month`` covers them. One query."""
    totals = _visible_rows(user, month).aggregate(
        behind=Sum("behind"), six=Sum("six"), rows=Count("pk"), at=Max("computed_at")
    )
    if not totals["rows"] or not snapshot_is_fresh(totals["at"]):
        return None
    return {"behind": totals["behind"], "six": totals["six"]}, totals["at"]


def snapshot_by_child(
    user, month: datetime.date, parent, children
) -> dict[str, dict[int, dict[str, int]]] | None:
    """Per child of ``parent``: the snapshot's counts of each kind (``count_by_child``'s shape),
    or None when the snapshot is missing or stale. One query (the rows of one refresh share
    their ``computed_at``)."""
    counted = count_by_child(
        _visible_rows(user, month),
        "org__path",
        parent,
        children,
        behind=Sum("behind"),
        six=Sum("six"),
        at=Max("computed_at"),
    )
    if not counted or not all(snapshot_is_fresh(row["at"]) for row in counted.values()):
        return None
    return {kind: {pk: {"n": row[kind]} for pk, row in counted.items()} for kind in ("behind", "six")}
