"""Compliance of organizational life: which required meetings an organization held in a period.

The cadences are ``CadenceRule`` rows (支部党员大会 quarterly, 支委会 monthly, …). For a report
window (a ``core.periods.Period`` within one calendar year: a year, a quarter or a month) each rule is cut into its cadence periods (months, quarters or the
year). Definitions, as the pages show them:

- **held**: meetings of the kind in the window that are CLOSED with minutes. Closing requires
  minutes and everyone's attendance (``services.close_meeting``), so a planned or held-but-open
  meeting never counts.
- **required**: ``minimum_count`` × the cadence periods of the window that have *ended* (a
  period still running is not yet owed).
- **missing**: ended cadence periods in which fewer than ``minimum_count`` meetings were held.
- **late**: held meetings whose record was closed more than ``LATE_AFTER`` after the meeting
  ended (``Meeting.closed_late``, set when closing). They count, but are shown.

Everything over a subtree comes from ONE grouped query (org, kind, period → count, summed per
org and kind in SQL), whatever the number of meetings; missing is computed in Python.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import ExtractMonth, ExtractQuarter
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.life.choices import CadencePeriod, MeetingState
from dangjian.life.models import CadenceRule, Meeting
from dangjian.orgs.models import Organization

# A meeting whose record is closed later than this after it ended is "late" (still counted).
LATE_AFTER = datetime.timedelta(days=7)


def _month_start(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def check_period(period: Period) -> Period:
    """Compliance is judged within one calendar year (cadence periods are numbered by month or
    quarter of the year in the grouped query); a longer or straddling period is refused."""
    if period.start.year != period.last_day.year:
        raise ValueError("A compliance period lies within one calendar year.")
    return period


def cadence_periods(period: str, window: Period) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar cadence periods of ``period`` (months, quarters or the year) that lie wholly
    inside ``window`` (start, first day after); a yearly cadence has none inside a quarter (it is
    judged over the year)."""
    step = {CadencePeriod.MONTH: 1, CadencePeriod.QUARTER: 3, CadencePeriod.YEAR: 12}[period]
    result = []
    start = window.start.replace(day=1)
    while (start.month - 1) % step or start < window.start:
        start = _month_start(start, 1)
    while start < window.end:
        end = _month_start(start, step)
        if end > window.end:
            break
        result.append((start, end))
        start = end
    return result


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time()), timezone.get_current_timezone()
    )


@dataclass
class KindCompliance:
    """One required kind of meeting for one organization in the window."""

    rule: CadenceRule
    periods: int  # cadence periods in the window
    periods_due: int  # of which ended
    held: int = 0
    late: int = 0
    periods_met: int = 0  # ended periods with enough meetings

    @property
    def kind(self) -> str:
        return self.rule.kind

    @property
    def required(self) -> int:
        return self.periods_due * self.rule.minimum_count

    @property
    def missing(self) -> int:
        """Ended cadence periods without enough meetings."""
        return max(self.periods_due - self.periods_met, 0)


@dataclass
class Totals:
    """Required, held, missing and late meetings summed over kinds or organizations: what the
    三会一课 figures of the figures store pick from."""

    required: int = 0
    held: int = 0
    missing: int = 0
    late: int = 0

    def add(self, entry: KindCompliance | Totals) -> None:
        self.required += entry.required
        self.held += entry.held
        self.missing += entry.missing
        self.late += entry.late


def totals(units: list[UnitCompliance]) -> Totals:
    """The sums over every organization and required kind of a compliance report."""
    result = Totals()
    for unit in units:
        for entry in unit.kinds:
            result.add(entry)
    return result


@dataclass
class UnitCompliance:
    """An organization that must hold meetings, with each of its required kinds."""

    org_id: int
    name: str
    path: str
    org_kind: str
    kinds: list[KindCompliance] = field(default_factory=list)

    @property
    def missing_kinds(self) -> list[KindCompliance]:
        return [entry for entry in self.kinds if entry.missing]

    @property
    def missing_total(self) -> int:
        return sum(entry.missing for entry in self.kinds)

    @property
    def late_total(self) -> int:
        return sum(entry.late for entry in self.kinds)

    def get(self, kind: str) -> KindCompliance | None:
        return next((entry for entry in self.kinds if entry.kind == kind), None)


def active_rules() -> list[CadenceRule]:
    return list(CadenceRule.objects.filter(is_active=True).order_by("kind"))


def _bucket_value(period: str, start: datetime.date) -> int:
    """The calendar number of the cadence period starting on ``start``: its month, quarter or 1."""
    if period == CadencePeriod.MONTH:
        return start.month
    if period == CadencePeriod.QUARTER:
        return (start.month - 1) // 3 + 1
    return 1


def _bucket(rules: list[CadenceRule]) -> Case:
    """SQL: the calendar month, quarter (or 1 for a year) of a meeting, by its kind's period
    (in the platform's time zone; cheap to compute for every row of a whole district)."""
    by_period: dict[str, list[str]] = {}
    for rule in rules:
        by_period.setdefault(rule.period, []).append(rule.kind)
    whens = []
    if by_period.get(CadencePeriod.MONTH):
        whens.append(When(kind__in=by_period[CadencePeriod.MONTH], then=ExtractMonth("starts_at")))
    if by_period.get(CadencePeriod.QUARTER):
        whens.append(When(kind__in=by_period[CadencePeriod.QUARTER], then=ExtractQuarter("starts_at")))
    return Case(*whens, default=Value(1), output_field=IntegerField())


def held_q(root: Organization, window: Period, rules: list[CadenceRule]) -> Q:
    """The meetings counted as **held**: closed with minutes, of a kind some rule requires of the
    meeting's (active) organization, in ``root``'s subtree and the window. The one definition of
    the grouped count, the compliance figures and the meeting list they link to."""
    rules = [rule for rule in rules if cadence_periods(rule.period, window)]
    if not rules:
        return Q(pk__in=[])
    required = Q()
    for rule in rules:
        required |= Q(kind=rule.kind, org__kind__in=rule.org_kinds)
    start, end = window.bounds()
    return (
        Q(
            org__path__startswith=root.path,
            org__is_active=True,
            state=MeetingState.CLOSED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        & ~Q(minutes="")
        & required
    )


def subtree_counts(
    root: Organization, window: Period, rules: list[CadenceRule], *, now: datetime.datetime | None = None
) -> dict[tuple[int, str], tuple[int, int, int]]:
    """(org id, kind) → (held, late, ended periods met) over ``root``'s subtree: one query."""
    if not rules:
        return {}
    now = now or timezone.now()
    inner = (
        Meeting.objects.filter(held_q(root, window, rules))
        .annotate(bucket=_bucket(rules))
        .values("org_id", "kind", "bucket")
        .annotate(n=Count("id"), late=Count("id", filter=Q(closed_late=True)))
        .order_by()
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    met_sql, met_params = [], []
    for rule in rules:
        # Periods of the window are consecutive, so the ended ones are those up to the last ended.
        due = [start for start, end in cadence_periods(rule.period, window) if _aware(end) <= now]
        last_due = _bucket_value(rule.period, due[-1]) if due else 0
        met_sql.append("WHEN t.kind = %s AND t.bucket <= %s AND t.n >= %s THEN 1")
        met_params += [rule.kind, last_due, rule.minimum_count]
    sql = (
        "SELECT t.org_id, t.kind, SUM(t.n), SUM(t.late), "
        f"SUM(CASE {' '.join(met_sql)} ELSE 0 END) "
        f"FROM ({inner_sql}) t GROUP BY t.org_id, t.kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*met_params, *inner_params])
        return {
            (org_id, kind): (int(n), int(late), int(met)) for org_id, kind, n, late, met in cursor.fetchall()
        }


def compliance(
    root: Organization,
    window: Period,
    *,
    rules: list[CadenceRule] | None = None,
    now: datetime.datetime | None = None,
) -> list[UnitCompliance]:
    """Every organization of ``root``'s subtree that must hold meetings, with each required kind:
    three queries (rules, organizations, the grouped counts) whatever the data."""
    check_period(window)
    now = now or timezone.now()
    rules = active_rules() if rules is None else rules
    rules = [rule for rule in rules if cadence_periods(rule.period, window)]
    org_kinds = sorted({kind for rule in rules for kind in rule.org_kinds})
    if not org_kinds:
        return []
    units = list(
        Organization.objects.filter(path__startswith=root.path, kind__in=org_kinds, is_active=True)
        .order_by("path")
        .values_list("id", "name", "path", "kind")
    )
    counts = subtree_counts(root, window, rules, now=now)
    shapes = {}
    for rule in rules:
        periods = cadence_periods(rule.period, window)
        shapes[rule.kind] = (len(periods), sum(1 for _start, end in periods if _aware(end) <= now))
    result = []
    for org_id, name, path, kind in units:
        unit = UnitCompliance(org_id=org_id, name=name, path=path, org_kind=kind)
        for rule in rules:
            if kind not in rule.org_kinds:
                continue
            periods, due = shapes[rule.kind]
            held, late, met = counts.get((org_id, rule.kind), (0, 0, 0))
            unit.kinds.append(
                KindCompliance(
                    rule=rule, periods=periods, periods_due=due, held=held, late=late, periods_met=met
                )
            )
        result.append(unit)
    return result


def outstanding(
    root: Organization, window: Period, *, rules: list[CadenceRule] | None = None
) -> list[UnitCompliance]:
    """What is still to be held in a cadence period that is running: the compliance of ``window``
    (exactly one month, quarter or year) for the rules of that cadence, counted as if the period
    had ended, so each kind short of its minimum shows as missing. The 工作台's "三会一课 still to
    hold this month" and the compliance page it links to (``?outstanding=1``) both read it."""
    rules = active_rules() if rules is None else rules
    rules = [rule for rule in rules if cadence_periods(rule.period, window) == [(window.start, window.end)]]
    return compliance(root, window, rules=rules, now=_aware(window.end))


def running_cadence_periods(today: datetime.date) -> dict[str, Period]:
    """The cadence periods (this month, this quarter, this year) that contain ``today``."""
    return {
        CadencePeriod.MONTH: Period.month(today.year, today.month),
        CadencePeriod.QUARTER: Period.quarter(today.year, (today.month - 1) // 3 + 1),
        CadencePeriod.YEAR: Period.year(today.year),
    }


def default_root(user, permission: str = "life.view_meeting") -> Organization | None:
    """The organization the compliance page shows when none is named: the user's topmost one
    under ``permission`` (the first by path when they hold several), or the tree's root."""
    from dangjian.core.scoping import scope_of

    scope = scope_of(user)
    visible = Organization.objects.visible_to(user, permission)
    if scope.is_global:
        roots = visible.filter(depth=1)
    else:
        roots = visible.filter(path__in=scope.restricted_to(permission).org_paths)
    return roots.order_by("path").first()


def holds_meetings(org: Organization, rules: list[CadenceRule]) -> bool:
    """Whether ``org`` itself must hold meetings by some rule (a branch or a party group)."""
    return any(org.kind in rule.org_kinds for rule in rules)
