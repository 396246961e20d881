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


# --- Snapshots of any app's counts for a wide scope ------------------------------------------
# The apps that came later (volunteers, hours, posts, wishes, pairs, jobs) sit in both trees and
# count under their own permissions; a snapshot per organization (as arrears) would not match
# their scoping. ``wide_counts`` keeps instead the answer of the app's own scoped query, per
# (key, signature of the grants it ran under), with a user holding those grants: the worker
# recomputes it as that user every SNAPSHOT_EVERY, so two street secretaries share one row and a
# role change (another signature) is never served the old scope's numbers.


def scope_signature(user: Any, permission: str) -> str:
    """A digest of the grants of ``permission`` that ``user``'s queries run under: the same for
    two users with the same grants. (Counts of models that also reach records outside the role
    grants, ``visible_outside_scope``, are not to be kept this way: they differ per user.)
    ``permission`` may name several, separated by commas, for counts read under each."""
    import hashlib

    from dangjian.core.scoping import scope_of

    parts = []
    for name in permission.split(","):
        scope = scope_of(user).restricted_to(name)
        grants = "global" if scope.is_global else ";".join(sorted(f"{g.tree}:{g.path}" for g in scope.grants))
        parts.append(f"{name}|{grants}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _dotted(function: Any) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def _resolve(dotted: str) -> Any:
    import importlib

    module, _, name = dotted.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


class Node:
    """What ``count_by_child`` reads of a tree node (its pk and path), rebuilt from a snapshot."""

    def __init__(self, pk: int, path: str) -> None:
        self.pk = pk
        self.path = path


def _call(compute: Any, user: Any, args: dict) -> Any:
    if "parent" in args:
        parent = Node(*args["parent"])
        children = [Node(*child) for child in args["children"]]
        counted = compute(user, parent, children)
        return [[child_pk, row] for child_pk, row in counted.items()]
    return compute(user)


def _snapshot_read(key: str, user: Any, permission: str, compute: Any, args: dict) -> Any:
    from dangjian.core.models import WorkbenchSnapshot

    signature = scope_signature(user, permission)
    # The rows computed as this user, read once per request (a wide 工作台 reads a dozen).
    mine = user.__dict__.get("_workbench_snapshots")
    if mine is None:
        mine = user.__dict__["_workbench_snapshots"] = {
            (row.key, row.signature): row
            for row in WorkbenchSnapshot.objects.filter(user_id=user.pk).only(
                "key", "signature", "value", "computed_at"
            )
        }
    row = mine.get((key, signature))
    if row is None:
        row = (
            WorkbenchSnapshot.objects.filter(key=key, signature=signature)
            .only("value", "computed_at")
            .first()
        )
    if row is not None and snapshot_is_fresh(row.computed_at):
        return row.value
    value = _call(compute, user, args)
    WorkbenchSnapshot.objects.update_or_create(
        key=key,
        signature=signature,
        defaults={
            "user": user,
            "permission": permission,
            "compute": _dotted(compute),
            "args": args,
            "value": value,
            "computed_at": timezone.now(),
        },
    )
    return value


def wide_counts(key: str, user: Any, permission: str, compute: Any) -> Any:
    """``compute(user)`` (a module-level function answering JSON: counts, or figures as text),
    read from the snapshot of ``user``'s grants of ``permission`` when they cover a street or
    more and the snapshot is fresh. A wide scope counted live is kept as a snapshot the worker
    then refreshes (``refresh_workbench_snapshots``); a narrow one is counted live and kept in
    the cache for ``CACHE_SECONDS`` (a 工作台 is opened many times a day; its dozens of counts
    each cost a few milliseconds of query building)."""
    if not is_wide(user, permission.split(",")[0]):
        value, _at = cached(f"counts:{key}:{user.pk}", lambda: compute(user))
        return value
    return _snapshot_read(key, user, permission, compute, {})


def wide_counts_by_child(
    key: str, user: Any, permission: str, compute: Any, parent: Any, children: list[Any]
) -> dict[int, dict[str, int]]:
    """``compute(user, parent, children)`` (``count_by_child``'s shape, ``{child pk: {name:
    count}}``), read from the snapshot as ``wide_counts`` does; keyed also by the parent and its
    children, so a tree edit starts a new snapshot."""
    import hashlib

    if not is_wide(user, permission.split(",")[0]):
        value, _at = cached(
            f"counts:{key}:{user.pk}:{parent.pk}:{len(children)}", lambda: compute(user, parent, children)
        )
        return value
    args = {"parent": [parent.pk, parent.path], "children": [[child.pk, child.path] for child in children]}
    digest = hashlib.sha256(repr(args).encode()).hexdigest()[:16]
    pairs = _snapshot_read(f"{key}:{digest}", user, permission, compute, args)
    return {int(child_pk): row for child_pk, row in pairs}


SNAPSHOT_LIFETIME = datetime.timedelta(days=1)


def refresh_workbench_snapshots() -> int:
    """Recompute every workbench snapshot as the user it was computed for; drop the rows whose
    user is gone or inactive or no longer holds the same grants, and those older than
    ``SNAPSHOT_LIFETIME`` (their next visit counts live). Returns the rows recomputed."""
    from dangjian.core.models import WorkbenchSnapshot

    refreshed = 0
    WorkbenchSnapshot.objects.filter(created_at__lt=timezone.now() - SNAPSHOT_LIFETIME).delete()
    for row in WorkbenchSnapshot.objects.select_related("user").order_by("pk"):
        user = row.user
        if not user.is_active or scope_signature(user, row.permission) != row.signature:
            row.delete()
            continue
        try:
            compute = _resolve(row.compute)
        except (ImportError, AttributeError):
            row.delete()
            continue
        row.value = _call(compute, user, row.args)
        row.computed_at = timezone.now()
        row.save(update_fields=["value", "computed_at"])
        refreshed += 1
    return refreshed
