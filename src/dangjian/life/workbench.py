"""What life puts on the 工作台: the 三会一课 still to hold in the running month, quarter and year,
by kind of meeting (a secretary's to-dos), and per cadence for each community or street of a
street's or district's roll-up.

"Still to hold" is ``compliance.outstanding``: the running cadence period counted as if it had
ended. The compliance page shows the same organizations with ``?outstanding=1``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.periods import Period
from dangjian.core.registry import RollupCell, RollupColumn, TodoItem, TodoSource
from dangjian.core.scoping import scope_of
from dangjian.core.workbench import WIDE_DEPTH, cached, wide_counts, wide_counts_by_child, with_query
from dangjian.life import compliance
from dangjian.life.choices import CadencePeriod, MeetingKind
from dangjian.life.forms import MISSING_ANY
from dangjian.life.snapshot import snapshot_outstanding
from dangjian.orgs.models import Organization

VIEW = "life.view_meeting"
CADENCES = (CadencePeriod.MONTH, CadencePeriod.QUARTER, CadencePeriod.YEAR)


def _compute(
    root_pk: int, path: str
) -> list[tuple[str, Period, list[str], list[tuple[str, tuple[str, ...]]]]]:
    """Per running cadence period: (cadence, window, the kinds required, and each organization's
    path with the kinds it is short of). Three queries per cadence at most."""
    root = Organization(pk=root_pk, path=path)
    rules = compliance.active_rules()
    windows = compliance.running_cadence_periods(timezone.localdate())
    result = []
    for cadence in CADENCES:
        cadence_rules = [rule for rule in rules if rule.period == cadence]
        if cadence_rules:
            window = windows[cadence]
            units = compliance.outstanding(root, window, rules=cadence_rules)
            short = [
                (unit.path, tuple(entry.kind for entry in unit.kinds if entry.missing))
                for unit in units
                if unit.missing_total
            ]
            result.append((cadence, window, [rule.kind for rule in cadence_rules], short))
    return result


def _outstanding(user, root: Organization):
    """``_compute`` of ``root``, once per request for the to-dos and the roll-up: for a street or
    the district from the worker's snapshot (a district's subtree is thousands of branches),
    else live and then from the cache for ``CACHE_SECONDS``."""
    memo = user.__dict__.setdefault("_life_outstanding", {})
    if root.pk not in memo:
        from_snapshot = (
            snapshot_outstanding(root) if len(root.path) <= WIDE_DEPTH * Organization.steplen else None
        )
        if from_snapshot is not None:
            memo[root.pk] = from_snapshot
        else:
            memo[root.pk], _at = cached(
                f"life:{root.pk}:{root.path}:{timezone.localdate()}", lambda: _compute(root.pk, root.path)
            )
    return memo[root.pk]


def _label(cadence: str, what: str) -> str:
    labels = {
        CadencePeriod.MONTH: gettext("%(what)s still to hold this month"),
        CadencePeriod.QUARTER: gettext("%(what)s still to hold this quarter"),
        CadencePeriod.YEAR: gettext("%(what)s still to hold this year"),
    }
    return labels[cadence] % {"what": what}


def _url(org_pk: int, window: Period, missing: str) -> str:
    return with_query(
        reverse("life:compliance"),
        org=org_pk,
        start=window.start.isoformat(),
        end=window.end.isoformat(),
        outstanding=1,
        missing=missing,
    )


def todo_counts(user) -> dict:
    """The root's pk and, per running cadence period and required kind, how many organizations
    of the user's subtree are short of it (JSON: the wide 工作台 keeps it as a snapshot)."""
    root = compliance.default_root(user, VIEW)
    if root is None:
        return {"root": None, "counts": []}
    counts = [
        [cadence, kind, sum(1 for _path, missing in short if kind in missing)]
        for cadence, _window, kinds, short in _outstanding(user, root)
        for kind in kinds
    ]
    return {"root": root.pk, "counts": counts}


def meetings_todo(user) -> list[TodoItem]:
    """Organizations of the user's subtree short of a kind of meeting in its running period."""
    if not scope_of(user).has_any(VIEW):
        return []
    answer = wide_counts(f"life.todo:{timezone.localdate()}", user, VIEW, todo_counts)
    if answer["root"] is None:
        return []
    windows = compliance.running_cadence_periods(timezone.localdate())
    return [
        TodoItem(
            _label(cadence, str(MeetingKind(kind).label)),
            count,
            _url(answer["root"], windows[cadence], kind),
            key=f"life.{kind}",
        )
        for cadence, kind, count in answer["counts"]
    ]


def rollup_counts(user, parent, children) -> dict[int, dict[str, int]]:
    """Per child of ``parent``: per running cadence, the organizations short of some kind of
    meeting (``count_by_child``'s shape, so a wide scope keeps it as a snapshot)."""
    length = len(children[0].path)
    by_path = {child.path: child.pk for child in children}
    counts: dict[int, dict[str, int]] = {}
    for cadence, _window, _kinds, short in _outstanding(user, Organization(pk=parent.pk, path=parent.path)):
        for child_pk in {child.pk for child in children}:
            counts.setdefault(child_pk, {})[cadence] = 0
        for path, _missing in short:
            child_pk = by_path.get(path[:length])
            if child_pk is not None:
                counts[child_pk][cadence] += 1
    return counts


def meetings_rollup(user, parent: Organization, children: list[Organization]) -> list[RollupColumn]:
    """Per child: the organizations short of some kind of meeting in each running cadence period."""
    if not children or not scope_of(user).has_any(VIEW):
        return []
    windows = compliance.running_cadence_periods(timezone.localdate())
    counted = wide_counts_by_child(
        f"life.rollup:{timezone.localdate()}", user, VIEW, rollup_counts, parent, children
    )
    cadences = [cadence for cadence in CADENCES if any(cadence in row for row in counted.values())]
    result = []
    for cadence in cadences:
        window = windows[cadence]
        counts = {child_pk: row[cadence] for child_pk, row in counted.items() if row.get(cadence)}
        result.append(
            RollupColumn(
                key=f"life.{cadence}",
                label={
                    CadencePeriod.MONTH: gettext("Still to hold this month"),
                    CadencePeriod.QUARTER: gettext("Still to hold this quarter"),
                    CadencePeriod.YEAR: gettext("Still to hold this year"),
                }[cadence],
                cells={
                    child_pk: RollupCell(count, _url(child_pk, window, MISSING_ANY))
                    for child_pk, count in counts.items()
                },
            )
        )
    return result


MEETINGS_TODO = TodoSource(
    key="life",
    label=gettext_lazy("Organizational life"),
    items=meetings_todo,
    permission=VIEW,
    order=20,
    rollup=meetings_rollup,
)
