"""What dues puts on the 工作台: members in arrears for the last month that is over, and those six
months in a row unpaid (党章第九条), counted with the arrears page's one definition (``in_arrears``)
over the members the user may read, and opening that page."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import RollupColumn, TodoItem, TodoSource
from dangjian.core.workbench import (
    cached,
    columns,
    count_by_child,
    is_wide,
    wide_counts,
    wide_counts_by_child,
    with_query,
)
from dangjian.dues.figures import in_arrears
from dangjian.dues.ledger import last_due_month
from dangjian.dues.snapshot import snapshot_by_child, snapshot_counts
from dangjian.members.models import PartyMember

VIEW = "dues.view_duespayment"
KINDS = ("behind", "six")


def _arrears(user, kind: str):
    """Members in arrears of one kind among those the user may read (``in_arrears``, the arrears
    page's definition). Filtered, not counted with a FILTER clause: PostgreSQL answers the
    NOT EXISTS of a filter with an anti-join, but of a FILTER with a subplan per member (eight
    times slower over a district's 40,000 members)."""
    return in_arrears(PartyMember.objects.visible_to(user, VIEW), last_due_month(), six=kind == "six")


def _url(six: bool, org_pk: int | None = None) -> str:
    return with_query(reverse("dues:arrears_list"), org=org_pk, six=1 if six else None)


def _live_counts(user) -> dict[str, int]:
    return {kind: _arrears(user, kind).count() for kind in KINDS}


def arrears_snapshot_counts(user) -> dict[str, int]:
    """The arrears snapshot's totals over the user's organizations, or {} when it is missing or
    stale (then the to-do counts live)."""
    from_snapshot = snapshot_counts(user, last_due_month())
    return from_snapshot[0] if from_snapshot is not None else {}


def arrears_todo(user) -> list[TodoItem]:
    """Members behind and six months behind: for a street or district from the worker's
    snapshot, else counted live (and kept for ``CACHE_SECONDS``)."""
    month = last_due_month()
    from_snapshot = (
        wide_counts(f"dues.todo:{month}", user, VIEW, arrears_snapshot_counts)
        if is_wide(user, VIEW)
        else None
    )
    if from_snapshot:
        counts = from_snapshot
    else:
        counts, _at = cached(f"dues:{user.pk}:{month}", lambda: _live_counts(user))
    labels = {
        "behind": gettext("Members behind with their dues"),
        "six": gettext("Members six months without paying dues"),
    }
    return [TodoItem(labels[kind], counts[kind], _url(kind == "six"), key=f"dues.{kind}") for kind in KINDS]


def arrears_counts_by_child(user, parent, children) -> dict[int, dict]:
    """The arrears snapshot's counts per child as ``{child pk: {kind: {"n": count}}}``, or
    ``{0: {}}`` when the snapshot is missing or stale (then the roll-up counts live)."""
    counted = snapshot_by_child(user, last_due_month(), parent, children)
    if counted is None:
        return {0: {}}
    result: dict[int, dict] = {}
    for kind in KINDS:
        for child_pk, row in counted[kind].items():
            result.setdefault(child_pk, {})[kind] = row
    return result


def arrears_rollup(user, parent, children) -> list[RollupColumn]:
    def compute() -> dict[str, dict[int, dict[str, int]]]:
        return {
            kind: count_by_child(_arrears(user, kind), "org__path", parent, children, n=Count("pk"))
            for kind in KINDS
        }

    month = last_due_month()
    counted = None
    if is_wide(user, VIEW):
        # The per-organization snapshot summed per child, itself kept per scope (one small read).
        from_snapshot = wide_counts_by_child(
            f"dues.rollup:{month}", user, VIEW, arrears_counts_by_child, parent, children
        )
        if from_snapshot.get(0) is None:
            counted = {
                kind: {pk: row[kind] for pk, row in from_snapshot.items() if kind in row} for kind in KINDS
            }
    if counted is None:
        counted, _at = cached(f"dues-rollup:{user.pk}:{parent.pk}:{month}", compute)
    labels = {"behind": gettext("Behind"), "six": gettext("Six months")}
    result = []
    for kind in KINDS:
        result += columns(
            counted[kind],
            [("n", f"dues.{kind}", labels[kind])],
            lambda _name, child_pk, six=kind == "six": _url(six, child_pk),
        )
    return result


ARREARS_TODO = TodoSource(
    key="dues",
    label=gettext_lazy("Party dues"),
    items=arrears_todo,
    permission=VIEW,
    order=40,
    rollup=arrears_rollup,
)
