"""The 工作台 of a street or a district: what waits in each community (or street) below, and the
key figures of the whole subtree.

``orgs`` knows the organization tree but none of the apps: the roll-up asks every to-do source of
the registry that can count per child (``TodoSource.rollup``), and the key figures are read only
from the registry's ``figures`` store, each with its scope, its period and a link to its records
(DESIGN.md principle 3).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import DashboardCard, registry, rollup_for
from dangjian.core.scoping import scope_of
from dangjian.core.workbench import cached
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.models import Organization
from dangjian.orgs.snapshot import compute_key_figures, snapshot_key_figures

# Organizations whose secretaries and admins look at the level below as a whole: a 街道党工委
# over its communities, a 区委 over its streets. A community's secretary works the records.
ROLLUP_KINDS = (OrgKind.DISTRICT_COMMITTEE, OrgKind.WORKING_COMMITTEE)
# More children than a district has streets and a street communities; the rest are not shown.
CHILDREN_LIMIT = 200

# The key figures of a street or district, in the order shown: (store key, period-bound).
KEY_FIGURES = (
    ("service.received", True),
    ("service.on_time_rate", True),
    ("service.satisfaction_rate", True),
    ("life.meetings_held", True),
    ("life.meetings_missing", True),
    ("members.active_members", False),
    ("members.grid_workers", False),
    ("members.grid_worker_member_share", False),
)
# Figures that share one computation of counts (the service figures, the 三会一课 totals) are
# read with ``pick`` from one ``counts(node, period)`` call each.
RATIO_SUFFIXES = ("_rate", "_share")


def rollup_root(user) -> Organization | None:
    """The street or district organization the user looks after as a whole, or None.

    The topmost organization of the user's org-tree roles (the tree's first root for a system
    administrator), when it is a 区委 or a 街道党工委."""
    scope = scope_of(user)
    roots = Organization.objects.filter(is_active=True).select_related("jurisdiction")
    if scope.is_global:
        roots = roots.filter(depth=1)
    elif scope.org_paths:
        roots = roots.filter(path__in=scope.org_paths)
    else:
        return None
    root = roots.order_by("path").first()
    if root is None or root.kind not in ROLLUP_KINDS:
        return None
    return root


def _root(user) -> Organization | None:
    cache = user.__dict__.setdefault("_workbench_root", {})
    if "root" not in cache:
        cache["root"] = rollup_root(user)
    return cache["root"]


def rollup_card(user) -> dict | None:
    """The to-dos of every source, per child of the user's street or district: a table of child
    × count on a desk, a card per child on a phone; each number opens its records.

    Rendered once a minute per user and language (``CACHE_SECONDS``): a district's table is
    thousands of linked cells, and rendering them costs more than counting them."""
    root = _root(user)
    if root is None:
        return None
    html, _at = cached(
        f"rollup:{user.pk}:{root.pk}:{root.path}:{get_language()}",
        lambda: render_to_string("orgs/cards/rollup_body.html", rollup_context(user, root)),
    )
    return {"html": html}


def rollup_context(user, root: Organization) -> dict:
    """What the roll-up card shows (see ``rollup_card``)."""
    children = list(
        Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1, is_active=True)
        .only("pk", "name", "path", "depth")
        .order_by("path")[:CHILDREN_LIMIT]
    )
    sources = rollup_for(user, root, children)
    groups = [{"label": str(source.label), "columns": columns} for source, columns in sources if columns]
    flat = [(group["label"], column) for group in groups for column in group["columns"]]
    rows, quiet = [], 0
    for child in children:
        cells = [
            {"group": group, "column": column, "cell": column.cells.get(child.pk)} for group, column in flat
        ]
        if any(item["cell"] for item in cells):
            rows.append({"org": child, "cells": cells})
        else:
            quiet += 1
    return {"root": root, "groups": groups, "rows": rows, "quiet": quiet}


ROLLUP_CARD = DashboardCard(
    key="orgs.rollup",
    title=gettext_lazy("Waiting below"),
    template="orgs/cards/rollup.html",
    provider=rollup_card,
    order=30,
)


def key_figures_period(today=None) -> Period:
    """The key figures' period: the calendar year so far (a year is what evaluation rates)."""
    today = today or timezone.localdate()
    return Period.year(today.year)


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key.endswith(RATIO_SUFFIXES):
        return f"{Decimal(str(value)) * 100:.1f}%"
    return str(value)


def key_figures_card(user) -> dict | None:
    """受理量, 按时办结率, 满意率, 三会一课, members, grid workers and their share who are members, of
    the user's street or district, read from the figures store (a figure not registered, or one
    the user may not read over the node, is left out): from the worker's snapshot while it is
    fresh, else computed and cached for a minute."""
    root = _root(user)
    if root is None:
        return None
    period = key_figures_period()
    scope = scope_of(user)
    area_path = root.jurisdiction.path if root.jurisdiction_id else None
    shown = []
    for key, dated in KEY_FIGURES:
        figure = registry["figures"].get(key)
        if figure is None:
            continue
        if figure.permission and not scope.has_perm(
            figure.permission, org_path=root.path, area_path=area_path
        ):
            continue
        shown.append((key, dated, figure))

    keys = [key for key, _dated, _figure in shown]
    from_snapshot = snapshot_key_figures(root, period, keys)
    if from_snapshot is not None:
        values, computed_at = from_snapshot
    else:
        values, computed_at = cached(
            f"figures:{root.pk}:{root.path}:{period.label}:{','.join(keys)}",
            lambda: compute_key_figures(root, period, keys),
        )
    figures = [
        {
            "key": key,
            "label": figure.label,
            "description": figure.description,
            "value": values[key],
            "shown": _shown(key, values[key]),
            "url": figure.records_url(root, period),
            "dated": dated,
            "group": gettext("三会一课") if key.startswith("life.") else "",
        }
        for key, dated, figure in shown
    ]
    if not figures:
        return None
    return {
        "root": root,
        "period": period,
        "period_last": period.last_day,
        "figures": figures,
        "computed_at": computed_at,
    }


KEY_FIGURES_CARD = DashboardCard(
    key="orgs.key_figures",
    title=gettext_lazy("Key figures"),
    template="orgs/cards/key_figures.html",
    provider=key_figures_card,
    order=40,
)
