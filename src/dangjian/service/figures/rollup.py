"""The maintained rollup of the service figures (month × community × responsible org × category):
one request's contribution, the hook every change calls, and the rebuild from the requests."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.db.models.functions import Substr, TruncMonth

from dangjian.service.figures.counts import RESOLVED_COUNTS, month_of, resolved_sums
from dangjian.service.figures.scope import ROLLUP_AREA_LENGTH
from dangjian.service.models import FigureRollup, ServiceRequest
from dangjian.service.selectors import early_margin, figure_q

ROLLUP_COUNTS = ("received", "resolved", "on_time", "early", "rated", "satisfied", "hours_sum", "hours_count")
Contribution = dict[tuple, dict[str, Any]]


def contribution(request_obj: ServiceRequest, margin: datetime.timedelta | None = None) -> Contribution:
    """What one request adds to the rollup: its 受理 in the month it was reported, its 办结 (with
    on time, early, rating and hours) in the month it was resolved — as ``figure_q`` counts them."""
    margin = margin if margin is not None else early_margin()
    place = (request_obj.area_path[:ROLLUP_AREA_LENGTH], request_obj.org_path, request_obj.category_path)
    result: Contribution = {}
    if request_obj.accepted_at is not None:
        result.setdefault((month_of(request_obj.created_at), *place), {})["received"] = 1
    resolved_at = request_obj.resolved_at
    if resolved_at is not None:
        counts = result.setdefault((month_of(resolved_at), *place), {})
        counts["resolved"] = 1
        counts["on_time"] = int(resolved_at <= request_obj.due_at)
        counts["early"] = int(resolved_at <= request_obj.due_at - margin)
        counts["rated"] = int(request_obj.rating_is_bad is not None)
        counts["satisfied"] = int(request_obj.rating_is_bad is False)
        hours = request_obj.handling_working_hours
        counts["hours_sum"] = Decimal(hours) if hours is not None else Decimal(0)
        counts["hours_count"] = int(hours is not None)
    return result


def update_rollup(before: Contribution | None, request_obj: ServiceRequest | None) -> None:
    """The one hook: after a request was created or changed, move the rollup from the request's
    contribution ``before`` (``contribution()`` taken before the change; None for a new request)
    to its contribution now. Call it inside the change's transaction."""
    after = contribution(request_obj) if request_obj is not None else {}
    before = before or {}
    hours = int(early_margin().total_seconds() // 3600)
    for key in set(before) | set(after):
        delta = {}
        for name in ROLLUP_COUNTS:
            change = after.get(key, {}).get(name, 0) - before.get(key, {}).get(name, 0)
            if change:
                delta[name] = change
        if not delta:
            continue
        month, area_path, org_path, category_path = key
        row = FigureRollup.objects.filter(
            month=month, area_path=area_path, org_path=org_path, category_path=category_path
        )
        increments = {name: F(name) + change for name, change in delta.items()}
        if row.update(**increments):
            continue
        try:
            with transaction.atomic():
                FigureRollup.objects.create(
                    month=month,
                    area_path=area_path,
                    org_path=org_path,
                    category_path=category_path,
                    early_margin_hours=hours,
                    **delta,
                )
        except IntegrityError:  # created by a concurrent change meanwhile
            row.update(**increments)


def recompute_rollup() -> dict[tuple, dict[str, Any]]:
    """The rollup as the requests give it now (what ``rebuild`` writes and the tests compare)."""
    margin = early_margin()
    rows: dict[tuple, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(ROLLUP_COUNTS, 0))
    place = {
        "rollup_area": Substr("area_path", 1, ROLLUP_AREA_LENGTH),
        "rollup_org": F("org_path"),
        "rollup_cat": F("category_path"),
    }
    requests = ServiceRequest.objects.order_by()
    received = requests.filter(figure_q("received"))
    for item in received.values(month=TruncMonth("created_at"), **place).annotate(n=Count("id")):
        rows[(month_of(item["month"]), item["rollup_area"], item["rollup_org"], item["rollup_cat"])][
            "received"
        ] += item["n"]

    resolved = requests.filter(figure_q("resolved"))
    for item in resolved.values(month=TruncMonth("resolved_at"), **place).annotate(**resolved_sums(margin)):
        row = rows[(month_of(item["month"]), item["rollup_area"], item["rollup_org"], item["rollup_cat"])]
        row["resolved"] += item["n"]
        for name in RESOLVED_COUNTS:
            row[name] += item[name]
        row["hours_sum"] += Decimal(item["hours_sum"] or 0)
    return dict(rows)


def stored_rollup() -> dict[tuple, dict[str, Any]]:
    """The rollup table as it is, without its all-zero rows (a request that moved away leaves one)."""
    result = {}
    for row in FigureRollup.objects.all():
        counts = {name: getattr(row, name) for name in ROLLUP_COUNTS}
        if any(counts.values()):
            result[(row.month, row.area_path, row.org_path, row.category_path)] = counts
    return result


@transaction.atomic
def rebuild_rollup() -> int:
    """Replace the rollup by a recomputation from the requests (after an import, a bulk load, a
    change of the 提前 margin or a move in the trees). Returns the number of rows written."""
    hours = int(early_margin().total_seconds() // 3600)
    FigureRollup.objects.all().delete()
    objects = [
        FigureRollup(
            month=month,
            area_path=area_path,
            org_path=org_path,
            category_path=category_path,
            early_margin_hours=hours,
            **counts,
        )
        for (month, area_path, org_path, category_path), counts in recompute_rollup().items()
    ]
    FigureRollup.objects.bulk_create(objects, batch_size=2000)
    return len(objects)
