"""What the 工作台's to-do sources share: counting records per child node of the user's
organization in one ``GROUP BY`` of the path prefix, so a street's roll-up over its communities
costs one query per source whatever the number of communities or records (DESIGN.md principle 7).
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from dangjian.core.registry import RollupCell, RollupColumn


def count_by_child(
    queryset: QuerySet, path_field: str, parent: Any, children: list[Any], **counts: Any
) -> dict[int, dict[str, int]]:
    """``{child pk: {name: count}}`` of ``queryset``'s rows under each child of ``parent``, the
    counts being ``Count`` aggregates (filtered as the caller wants) named by ``counts``.

    Children of one parent sit at one depth, so their paths have one length: the rows' path
    prefix of that length names the child. One query.
    """
    if not children:
        return {}
    length = len(children[0].path)
    by_path = {child.path: child.pk for child in children}
    rows = (
        queryset.order_by()
        .filter(**{f"{path_field}__startswith": parent.path})
        .annotate(child_prefix=Substr(path_field, 1, length))
        .filter(child_prefix__in=list(by_path))
        .values("child_prefix")
        .annotate(**counts)
    )
    return {by_path[row.pop("child_prefix")]: row for row in rows}


def columns(
    counted: dict[int, dict[str, int]],
    labels: list[tuple[str, str, str]],
    url: Any,
) -> list[RollupColumn]:
    """Roll-up columns from ``count_by_child``'s answer: ``labels`` are ``(count name, column key,
    label)``; ``url(name, child_pk)`` is the page listing the counted records of one cell."""
    return [
        RollupColumn(
            key=key,
            label=label,
            cells={
                child_pk: RollupCell(count=row[name], url=url(name, child_pk))
                for child_pk, row in counted.items()
                if row.get(name)
            },
        )
        for name, key, label in labels
    ]


def with_query(base: str, **params: Any) -> str:
    """``base?params`` with empty parameters left out."""
    query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
    return f"{base}?{query}" if query else base


# Aggregates over a whole street or district (the 三会一课 still to hold, the key figures of a
# year) scan tens of thousands of rows; a 工作台 opened many times a day reads them from the cache
# for this long, and says when they were computed (DESIGN.md principle 7: "counts are estimated
# or cached where exact counts would scan").
CACHE_SECONDS = 60


def cached(key: str, compute: Any, seconds: int = CACHE_SECONDS) -> tuple[Any, Any]:
    """``(value, computed at)`` of ``compute()``, kept in the cache for ``seconds`` under ``key``
    (a picklable value)."""
    from django.core.cache import cache
    from django.utils import timezone

    hit = cache.get(f"workbench:{key}")
    if hit is not None:
        return hit
    result = (compute(), timezone.now())
    cache.set(f"workbench:{key}", result, seconds)
    return result


# A street's or the district's to-dos (arrears over tens of thousands of members, 三会一课 over
# thousands of branches) are read from per-organization snapshots the worker refreshes every
# SNAPSHOT_EVERY (dues.ArrearsSnapshot, life.OutstandingSnapshot): a wide 工作台 then sums a few
# thousand rows instead of aggregating a million, even on the first visit of the minute. A
# snapshot older than SNAPSHOT_MAX_AGE (no worker running) is not used: the page computes live.
# Narrow scopes (a community, a branch) always count live, so a secretary sees a payment she
# has just recorded.
SNAPSHOT_EVERY = datetime.timedelta(minutes=5)
SNAPSHOT_MAX_AGE = datetime.timedelta(minutes=15)
WIDE_DEPTH = 2  # a grant on a street (area or org tree) or above makes a scope wide


def is_wide(user: Any, permission: str) -> bool:
    """Whether ``user``'s grants of ``permission`` cover a street or more (or everything)."""
    from dangjian.core.scoping import scope_of
    from dangjian.core.tree import PATH_STEP

    scope = scope_of(user).restricted_to(permission)
    return scope.is_global or any(len(grant.path) <= WIDE_DEPTH * PATH_STEP for grant in scope.grants)


def snapshot_is_fresh(computed_at: Any) -> bool:
    """Whether a snapshot computed at ``computed_at`` (None: none exists) may still be shown."""
    return computed_at is not None and computed_at >= timezone.now() - SNAPSHOT_MAX_AGE
