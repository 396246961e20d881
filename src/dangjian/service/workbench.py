"""What service puts on the 工作台: the user's work queue counted by section (a secretary's or a
department handler's "waiting for you", and the same per community for a street or district),
and a grid worker's card of their grids' open requests by urgency with today's visits.

Counts come from the same definitions the queue page and the request list filter by
(``selectors.queue_q``, ``section_q``, ``urgency_q``, ``visited_q``), so every number opens a
page listing exactly the requests it counts. One query per source, whatever the data.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import DashboardCard, RollupColumn, TodoItem, TodoSource
from dangjian.core.scoping import AREA, scope_of
from dangjian.core.workbench import cached, columns, count_by_child, with_query
from dangjian.members.models import GridWorker
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.service import selectors
from dangjian.service.models import DepartmentMember, ServiceRequest

VIEW = "service.view_servicerequest"
REGISTER = "service.add_servicerequest"
# The queue's sections as to-dos, most urgent first.
SECTIONS = ("overdue", "due_soon", "returned", "review", "new", "unplaced")
# A grid worker works one grid, a 网格长 a few; the card shows at most this many (the 我的网格
# page has them all).
GRIDS_ON_CARD = 10


def section_labels() -> dict[str, str]:
    hours = int(selectors.due_soon_window().total_seconds() // 3600)
    return {
        "overdue": gettext("Requests overdue"),
        "due_soon": gettext("Requests due within %(hours)d hours") % {"hours": hours},
        "returned": gettext("Requests returned by the handler (退回)"),
        "review": gettext("Handling results awaiting your review"),
        "new": gettext("New reports to accept (受理)"),
        "unplaced": gettext("Reports with only an address to place in a grid (待定位)"),
    }


def queue_work(user) -> QuerySet | None:
    """The user's work queue (what the queue page lists), or None for a user it does not open for."""
    department_ids = list(DepartmentMember.objects.filter(user=user).values_list("department_id", flat=True))
    if not (scope_of(user).has_any(VIEW) or department_ids):
        return None
    return ServiceRequest.objects.visible_to(user).filter(selectors.queue_q(user, department_ids))


def _section_counts(now: datetime.datetime) -> dict[str, Count]:
    return {name: Count("pk", filter=selectors.section_q(name, now)) for name in SECTIONS}


def queue_todo(user) -> list[TodoItem]:
    """The queue's sections with their counts, each opening the queue at that section."""
    work = queue_work(user)
    if work is None:
        return []
    # Kept a minute, as the 工作台's other counts (the queue page itself is always live).
    counts, _at = cached(
        f"service-queue:{user.pk}", lambda: work.aggregate(**_section_counts(timezone.now()))
    )
    labels = section_labels()
    base = reverse("service:queue")
    return [
        TodoItem(labels[name], counts[name], with_query(base, section=name), key=f"service.{name}")
        for name in SECTIONS
    ]


def queue_rollup(user, parent, children) -> list[RollupColumn]:
    """The queue's sections per child organization (by the request's responsible organization)."""
    work = queue_work(user)
    if work is None:
        return []
    counted = count_by_child(work, "org_path", parent, children, **_section_counts(timezone.now()))
    labels = {
        "overdue": gettext("Overdue"),
        "due_soon": gettext("Due soon"),
        "returned": gettext("Returned"),
        "review": gettext("To review"),
        "new": gettext("New"),
        "unplaced": gettext("待定位"),
    }
    base = reverse("service:queue")
    return columns(
        counted,
        [(name, f"service.{name}", labels[name]) for name in SECTIONS],
        lambda name, child_pk: with_query(base, section=name, org=child_pk),
    )


QUEUE_TODO = TodoSource(
    key="service",
    label=gettext_lazy("Service requests"),
    items=queue_todo,
    order=10,
    rollup=queue_rollup,
)


# --- the grid worker's card ----------------------------------------------------------------------


def my_grids(user) -> list[Area]:
    """The grids of the user's posts (GridWorker) and of their roles held on a grid itself, at most
    ``GRIDS_ON_CARD``: a secretary's role over a community is no grid post and shows no card."""
    grid_paths = [
        grant.path for grant in scope_of(user).grants if grant.tree == AREA and REGISTER in grant.permissions
    ]
    posts = (
        list(
            GridWorker.objects.filter(person_id=user.person_id, is_active=True).values_list(
                "area_id", flat=True
            )
        )
        if getattr(user, "person_id", None)
        else []
    )
    if not grid_paths and not posts:
        return []
    mine = Q(path__in=grid_paths) | Q(pk__in=posts)
    scope = scope_of(user)
    # Few rows: the user's right to register in each is checked here, not by a scoped query.
    grids = Area.objects.filter(mine, kind=AreaKind.GRID, is_active=True).only("pk", "name", "path")
    return [grid for grid in grids.order_by("path") if scope.has_perm(REGISTER, area_path=grid.path)][
        :GRIDS_ON_CARD
    ]


URGENCY_COLUMNS = ("overdue", "due_soon", "later")


def grid_card(user) -> dict | None:
    """我的网格 on the 工作台: each grid's open requests by urgency and the requests visited today,
    each count opening the request list filtered to exactly those requests (three queries)."""
    grids = my_grids(user)
    if not grids:
        return None
    now = timezone.now()
    today = timezone.localdate()
    # The areas in the grids (the grids and anything below them), so the requests are found by
    # their indexed area, not by a prefix of their copied path (which a LIKE cannot use in a
    # database with a non-C collation): the same requests the request list's ``area`` filter shows.
    grid_of: dict[int, int] = {}
    for grid in grids:
        grid_of[grid.pk] = grid.pk
    place = Q(pk__in=[])
    for grid in grids:
        place |= Q(path__startswith=grid.path)
    for area_id, path in Area.objects.filter(place).values_list("pk", "path"):
        for grid in grids:
            if path.startswith(grid.path):
                grid_of[area_id] = grid.pk
    by_grid: dict[int, list[int]] = {}
    for area_id, grid_pk in grid_of.items():
        by_grid.setdefault(grid_pk, []).append(area_id)
    which = Case(
        *(When(area_id__in=ids, then=Value(grid_pk)) for grid_pk, ids in by_grid.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        ServiceRequest.objects.visible_to(user)
        .filter(area_id__in=list(grid_of))
        .order_by()
        .annotate(grid_id=which)
        .values("grid_id")
        .annotate(
            **{name: Count("pk", filter=selectors.urgency_q(name, now)) for name in URGENCY_COLUMNS},
            visited=Count("pk", filter=selectors.visited_q(today)),
        )
    )
    counts = {row["grid_id"]: row for row in rows}
    base = reverse("service:request_list")
    labels = {
        "overdue": gettext("Overdue"),
        "due_soon": gettext("Due soon"),
        "later": gettext("Open, not due soon"),
        "visited": gettext("Visited today"),
    }
    cards = []
    for grid in grids:
        row = counts.get(grid.pk, {})
        cells = [
            {
                "key": name,
                "label": labels[name],
                "count": row.get(name, 0),
                "url": with_query(base, area=grid.pk, urgency=name),
            }
            for name in URGENCY_COLUMNS
        ]
        cells.append(
            {
                "key": "visited",
                "label": labels["visited"],
                "count": row.get("visited", 0),
                "url": with_query(base, area=grid.pk, visited_on=today.isoformat()),
            }
        )
        cards.append({"grid": grid, "cells": cells})
    return {"grids": cards, "today": today, "grid_home": reverse("service:grid_home")}


GRID_CARD = DashboardCard(
    key="service.my_grids",
    title=gettext_lazy("My grids"),
    template="service/cards/my_grids.html",
    provider=grid_card,
    order=20,
)
