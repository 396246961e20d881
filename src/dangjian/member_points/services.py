"""State changes of 党员积分: the rule table, posting points from the registered sources, manual
awards and deductions, and reversals.

- ``post_points(since, until)`` reads every registered point source (``core.registry``'s
  ``point_sources``) month by month and inserts one entry per (rule, source record) with
  ``ignore_conflicts`` (``ON CONFLICT DO NOTHING``): re-running it changes nothing. A rule's
  monthly cap counts what is already posted in that month, so later runs never pass it.
- Manual awards and deductions need a reason and are audited; nothing is edited or deleted: a
  correction is a reversing entry (``reverse_entry``).
- Rules are edited with the version the user loaded (a stale one is refused); once a rule has
  posted entries its source, rate and start stay fixed — end it and add a new rule instead, so
  every posted entry keeps the rule it was computed under.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.periods import Period
from dangjian.core.registry import PointEvent, registry
from dangjian.core.scoping import scope_of
from dangjian.member_points.choices import EntryKind
from dangjian.member_points.models import PointEntry, PointRule
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization

ADD_RULE = "member_points.add_pointrule"
CHANGE_RULE = "member_points.change_pointrule"
ADD_ENTRY = "member_points.add_pointentry"
CENT = Decimal("0.01")
MAX_MANUAL_POINTS = Decimal("1000")
MAX_RATE = Decimal("1000")
EARLIEST = datetime.date(2000, 1, 1)
BATCH = 2000
RULE_FIELDS = [
    "source_key",
    "name",
    "points_per_unit",
    "monthly_cap",
    "active_from",
    "active_to",
    "org",
    "note",
]
# Fixed once a rule has posted entries: what the entries were computed from.
POSTED_FIELDS = {"source_key", "points_per_unit", "active_from", "org"}


def _today() -> datetime.date:
    return timezone.localdate()


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _refuse() -> PermissionDenied:
    return PermissionDenied(gettext("You do not have permission to do this within this scope."), rule="scope")


# --- rights -----------------------------------------------------------------------------------


def may_manage_rule(user, org: Organization | None) -> bool:
    """A subtree's rule needs the right over that organization; a rule for everyone needs it over
    every top-level organization (the 组织部 of the whole tree)."""
    scope = scope_of(user)
    if scope.is_global:
        return True
    if org is not None:
        return scope.has_perm(CHANGE_RULE, org_path=org.path)
    roots = list(Organization.objects.filter(depth=1).values_list("path", flat=True))
    return bool(roots) and all(scope.has_perm(CHANGE_RULE, org_path=path) for path in roots)


def may_enter(user, org: Organization) -> bool:
    return scope_of(user).has_perm(ADD_ENTRY, org_path=org.path)


# --- the rule table -----------------------------------------------------------------------------


def _check_rule(rule: PointRule) -> None:
    if rule.source_key not in registry["point_sources"]:
        raise RuleViolation(
            gettext("Unknown point source “%(key)s”.") % {"key": rule.source_key},
            rule="unknown_source",
            field="source_key",
        )
    if not rule.name.strip():
        raise RuleViolation(gettext("Give the rule a name."), rule="name_required", field="name")
    if rule.points_per_unit is None or abs(rule.points_per_unit) > MAX_RATE or rule.points_per_unit == 0:
        raise RuleViolation(
            gettext("Points per unit must be non-zero and at most %(max)s.") % {"max": MAX_RATE},
            rule="rate",
            field="points_per_unit",
        )
    if rule.monthly_cap is not None and not (0 <= rule.monthly_cap <= MAX_RATE * 100):
        raise RuleViolation(
            gettext("The monthly cap must be between 0 and %(max)s.") % {"max": MAX_RATE * 100},
            rule="cap",
            field="monthly_cap",
        )
    if rule.active_from is None or rule.active_from < EARLIEST:
        raise RuleViolation(
            gettext("The rule cannot start before %(date)s.") % {"date": EARLIEST},
            rule="start",
            field="active_from",
        )
    if rule.active_to is not None and rule.active_to < rule.active_from:
        raise RuleViolation(
            gettext("The rule cannot end (%(to)s) before it starts (%(from)s).")
            % {"to": rule.active_to, "from": rule.active_from},
            rule="end_before_start",
            field="active_to",
        )


def create_rule(*, by, **fields) -> PointRule:
    rule = PointRule(**{name: fields.get(name) for name in RULE_FIELDS if name in fields})
    rule.name = (rule.name or "").strip()
    rule.note = (rule.note or "").strip()
    rule.created_by = by if getattr(by, "is_authenticated", False) else None
    if not may_manage_rule(by, rule.org):
        raise _refuse()
    _check_rule(rule)
    with transaction.atomic():
        rule.save()
        audit.record(AuditAction.CREATE, rule, by=by, changes=audit.snapshot(rule, RULE_FIELDS))
    return rule


def update_rule(rule: PointRule, *, by, version: int | None, **fields) -> PointRule:
    with transaction.atomic():
        rule = PointRule.objects.select_for_update(of=("self",)).select_related("org").get(pk=rule.pk)
        if version is not None and version != rule.version:
            raise ConcurrentChange(
                gettext("Someone changed this rule meanwhile; reload it and try again."), rule="version"
            )
        if not may_manage_rule(by, rule.org):
            raise _refuse()
        before = audit.snapshot(rule, RULE_FIELDS)
        for name, value in fields.items():
            if name in RULE_FIELDS:
                setattr(rule, name, value.strip() if isinstance(value, str) else value)
        changed = {name for name, values in audit.diff(before, audit.snapshot(rule, RULE_FIELDS)).items()}
        if changed & POSTED_FIELDS and rule.entries.exists():
            raise RuleViolation(
                gettext(
                    "Points were already posted under this rule, so its source, rate, start and "
                    "organization stay as they are. End it and add a new rule from the day the change applies."
                ),
                rule="rule_posted",
            )
        if not may_manage_rule(by, rule.org):
            raise _refuse()
        _check_rule(rule)
        rule.version += 1
        rule.save()
        audit.record(
            AuditAction.UPDATE, rule, by=by, changes=audit.diff(before, audit.snapshot(rule, RULE_FIELDS))
        )
    return rule


DEFAULT_RULES = [
    # Local practice, not national rules: a region sets its own rates in the rule table. Study
    # time (网络党校) has no source yet: the learning app will register one and a rule here.
    ("life.attendance", "参加三会一课或主题党日", Decimal("2"), Decimal("10")),
    ("activities.hours", "志愿服务时长（每小时）", Decimal("1"), Decimal("20")),
    ("dues.on_time", "按时足额交纳党费（每月）", Decimal("2"), None),
    ("service_posts.held", "在岗服务（每月）", Decimal("3"), None),
]


def ensure_default_rules(active_from: datetime.date) -> list[PointRule]:
    """The default rule table (for a new installation and the demo data): one rule per source that
    has none, for everyone, from ``active_from``."""
    have = set(PointRule.objects.values_list("source_key", flat=True))
    made = [
        PointRule(source_key=key, name=name, points_per_unit=rate, monthly_cap=cap, active_from=active_from)
        for key, name, rate, cap in DEFAULT_RULES
        if key in registry["point_sources"] and key not in have
    ]
    PointRule.objects.bulk_create(made)
    return made


# --- posting ----------------------------------------------------------------------------------


@dataclass
class PostingResult:
    events: int = 0
    created: int = 0
    skipped_not_member: int = 0
    months: list[str] = field(default_factory=list)


def _months(since: datetime.date, until: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The window cut into calendar months: ``(first day, last day)`` pairs inside it."""
    chunks = []
    for month in Period(since, until + datetime.timedelta(days=1)).months():
        last = Period.month(month.year, month.month).last_day
        chunks.append((max(month, since), min(last, until)))
    return chunks


def _points(event: PointEvent, rule: PointRule) -> Decimal:
    return (Decimal(event.quantity) * rule.points_per_unit).quantize(CENT, rounding=ROUND_HALF_UP)


def post_points(
    since: datetime.date, until: datetime.date, *, by=None, audited: bool = True
) -> PostingResult:
    """Post the points of every registered source's events on days ``[since, until]``.

    ``audited=False`` only for the data generator, whose one import line stands for all it writes.

    Set-based: per month, one query per source, one for what is already posted, then batched
    inserts that ignore conflicts on (rule, source, record). Members are placed in their current
    organization (one query for all active memberships). Run twice, it posts nothing the second
    time; events of people who are not active party members are skipped.
    """
    result = PostingResult()
    if until < since:
        return result
    sources = registry["point_sources"]
    rules = list(
        PointRule.objects.filter(source_key__in=list(sources), active_from__lte=until)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=since))
        .select_related("org")
        .order_by("pk")
    )
    if not rules:
        return result
    by_source: dict[str, list[PointRule]] = defaultdict(list)
    for rule in rules:
        by_source[rule.source_key].append(rule)
    members = {
        person_id: (org_id, path)
        for person_id, org_id, path in PartyMember.objects.filter(is_active=True).values_list(
            "person_id", "org_id", "org__path"
        )
    }
    for first, last in _months(since, until):
        month = month_of(first)
        with transaction.atomic():
            # Serialize postings (PostgreSQL row locks): two runs at once must not both fill a cap.
            list(
                PointRule.objects.select_for_update().filter(pk__in=[rule.pk for rule in rules]).values("pk")
            )
            done: set[tuple[int, str, str]] = set()
            used: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
            for rule_id, key, record, person_id, points in PointEntry.objects.filter(
                rule_id__in=[rule.pk for rule in rules], month=month
            ).values_list("rule_id", "source_key", "source_id", "person_id", "points"):
                done.add((rule_id, key, record))
                used[(person_id, rule_id)] += points
            events: list[PointEvent] = []
            for key, source in sources.items():
                if key in by_source:
                    events.extend(
                        event for event in source.events(first, last) if month_of(event.occurred_on) == month
                    )
            events.sort(key=lambda event: (event.occurred_on, event.source_key, event.source_id))
            entries: list[PointEntry] = []
            for event in events:
                placed = members.get(event.person_id)
                if placed is None:
                    result.skipped_not_member += 1
                    continue
                org_id, path = placed
                for rule in by_source[event.source_key]:
                    if not rule.applies_on(event.occurred_on) or (
                        rule.org_id and not path.startswith(rule.org.path)
                    ):
                        continue
                    if (rule.pk, event.source_key, event.source_id) in done:
                        continue
                    points = _points(event, rule)
                    if rule.monthly_cap is not None and points > 0:
                        points = max(
                            Decimal("0"), min(points, rule.monthly_cap - used[(event.person_id, rule.pk)])
                        )
                    used[(event.person_id, rule.pk)] += points
                    done.add((rule.pk, event.source_key, event.source_id))
                    entries.append(
                        PointEntry(
                            person_id=event.person_id,
                            org_id=org_id,
                            month=month,
                            occurred_on=event.occurred_on,
                            rule=rule,
                            source_key=event.source_key,
                            source_id=event.source_id,
                            quantity=event.quantity,
                            points=points,
                            kind=EntryKind.POSTED,
                        )
                    )
            result.events += len(events)
            for start in range(0, len(entries), BATCH):
                PointEntry.objects.bulk_create(entries[start : start + BATCH], ignore_conflicts=True)
            result.created += len(entries)
            result.months.append(f"{month:%Y-%m}")
    if result.created and audited:
        audit.record(
            AuditAction.CREATE,
            by=by,
            object_repr=gettext("Member points posted"),
            changes={"since": since.isoformat(), "until": until.isoformat(), "entries": result.created},
        )
    return result


# --- manual awards, deductions and reversals ------------------------------------------------


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise RuleViolation(
            gettext("Say why (the reason is required)."), rule="reason_required", field="reason"
        )
    if len(text) > 300:
        raise RuleViolation(
            gettext("The reason is limited to 300 characters."), rule="reason_length", field="reason"
        )
    return text


def award_points(
    *, by, member: PartyMember, points: Decimal, reason: str, occurred_on: datetime.date | None = None
) -> PointEntry:
    """Award (positive) or deduct (negative) points by hand, with a reason; audited."""
    occurred_on = occurred_on or _today()
    if not may_enter(by, member.org):
        raise _refuse()
    if not member.is_active:
        raise RuleViolation(gettext("Only active party members earn points."), rule="inactive_member")
    text = _reason(reason)
    try:
        points = Decimal(points).quantize(CENT, rounding=ROUND_HALF_UP)
    except (ArithmeticError, TypeError, ValueError):
        raise RuleViolation(gettext("Enter the points as a number."), rule="points", field="points") from None
    if points == 0 or abs(points) > MAX_MANUAL_POINTS:
        raise RuleViolation(
            gettext("Points must be non-zero and at most %(max)s either way; they are %(points)s.")
            % {"max": MAX_MANUAL_POINTS, "points": points},
            rule="points",
            field="points",
        )
    if occurred_on > _today() or occurred_on < EARLIEST:
        raise RuleViolation(
            gettext("The date must lie between %(first)s and today; it is %(date)s.")
            % {"first": EARLIEST, "date": occurred_on},
            rule="date",
            field="occurred_on",
        )
    with transaction.atomic():
        entry = PointEntry.objects.create(
            person_id=member.person_id,
            org=member.org,
            month=month_of(occurred_on),
            occurred_on=occurred_on,
            points=points,
            kind=EntryKind.MANUAL,
            reason=text,
            entered_by=by if getattr(by, "is_authenticated", False) else None,
        )
        audit.record(
            AuditAction.CREATE,
            entry,
            by=by,
            changes={"points": str(points), "reason": text, "occurred_on": occurred_on.isoformat()},
            note=text,
        )
    return entry


def reverse_entry(entry: PointEntry, *, by, reason: str) -> PointEntry:
    """Correct an entry by adding its opposite in the same month (the entry itself stays)."""
    if not may_enter(by, entry.org):
        raise _refuse()
    text = _reason(reason)
    if entry.kind == EntryKind.REVERSAL:
        raise RuleViolation(gettext("A reversal cannot itself be reversed."), rule="reverse_reversal")
    try:
        with transaction.atomic():
            if PointEntry.objects.filter(reverses=entry).exists():
                raise RuleViolation(gettext("This entry has already been reversed."), rule="already_reversed")
            reversal = PointEntry.objects.create(
                person_id=entry.person_id,
                org_id=entry.org_id,
                month=entry.month,
                occurred_on=entry.occurred_on,
                points=-entry.points,
                quantity=-entry.quantity,
                kind=EntryKind.REVERSAL,
                reason=text,
                reverses=entry,
                entered_by=by if getattr(by, "is_authenticated", False) else None,
            )
            audit.record(
                AuditAction.CREATE,
                reversal,
                by=by,
                changes={"reverses": entry.pk, "points": str(-entry.points), "reason": text},
                note=text,
            )
    except IntegrityError:
        raise ConcurrentChange(
            gettext("This entry has already been reversed."), rule="already_reversed"
        ) from None
    return reversal


def total(entries: Iterable[PointEntry]) -> Decimal:
    return sum((entry.points for entry in entries), Decimal("0"))


def points_sum(queryset) -> Decimal:
    return queryset.aggregate(total=Sum("points"))["total"] or Decimal("0")
