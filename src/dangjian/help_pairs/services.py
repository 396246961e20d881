"""State changes of 帮扶对子: setting a pair up, editing and ending it, logging and correcting visits.

Who may do what: secretaries and the organization department (``add_helppair``/``change_helppair``
over the pair's organization or area) set pairs up, edit and end them; staff log and correct
visits (``add_visit``/``change_visit``); the helper logs and corrects visits on their own pairs
by identity when their roles carry ``log_own_visit`` (a party member's do). Every function checks
the right and the rules, writes the change and its audit line in one transaction; edits carry the
version the user loaded and a stale one is refused (ConcurrentChange).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.scoping import check_perm, scope_of
from dangjian.help_pairs.choices import PairKind, PairState
from dangjian.help_pairs.models import HelpPair, Visit
from dangjian.orgs.models import Area, Organization

OWN_VISITS = "help_pairs.log_own_visit"
PAIR_FIELDS = [
    "helper",
    "kind",
    "family_head",
    "enterprise_name",
    "area",
    "org",
    "since",
    "until",
    "visit_interval_days",
    "state",
    "note",
]
VISIT_FIELDS = [
    "visited_on",
    "findings",
    "problems_raised",
    "problems_raised_count",
    "problems_solved",
    "problems_solved_count",
    "next_steps",
]
MAX_INTERVAL_DAYS = 366


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str | None) -> str:
    return (value or "").strip()


# --- rights -----------------------------------------------------------------------------------


def is_own_pair(user, pair: HelpPair) -> bool:
    """Whether ``user`` is the pair's helper and their roles let them log their own visits."""
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and pair.helper_id == person_id and scope_of(user).has_any(OWN_VISITS)


def may(user, permission: str, pair: HelpPair) -> bool:
    org_path, area_path = pair.audit_scope_paths()
    return scope_of(user).has_perm(permission, org_path=org_path or None, area_path=area_path or None)


def may_log_visit(user, pair: HelpPair) -> bool:
    return is_own_pair(user, pair) or may(user, "help_pairs.add_visit", pair)


def may_correct_visit(user, visit: Visit) -> bool:
    return is_own_pair(user, visit.pair) or may(user, "help_pairs.change_visit", visit.pair)


def _refuse() -> PermissionDenied:
    return PermissionDenied(gettext("You do not have permission to do this within this scope."), rule="scope")


# --- rules ------------------------------------------------------------------------------------


def next_due(pair: HelpPair) -> datetime.date:
    """The day the next visit falls due: the last visit (or the start) plus the interval."""
    return (pair.last_visited_on or pair.since) + datetime.timedelta(days=pair.visit_interval_days)


def _check_pair(pair: HelpPair) -> None:
    if pair.helper_id is None:
        raise RuleViolation(gettext("Choose the helper."), rule="helper_required", field="helper")
    if pair.kind == PairKind.FAMILY:
        if pair.family_head_id is None:
            raise RuleViolation(
                gettext("A family pair needs the head of household."), rule="family_head", field="family_head"
            )
        if pair.family_head_id == pair.helper_id:
            raise RuleViolation(
                gettext("The helper cannot be paired with their own household."),
                rule="self_pair",
                field="family_head",
            )
    else:
        pair.family_head = None
    if pair.kind == PairKind.ENTERPRISE:
        if not pair.enterprise_name:
            raise RuleViolation(
                gettext("An enterprise pair needs the enterprise's name."),
                rule="enterprise_name",
                field="enterprise_name",
            )
    else:
        pair.enterprise_name = ""
    if not 1 <= pair.visit_interval_days <= MAX_INTERVAL_DAYS:
        raise RuleViolation(
            gettext("The visit interval must be between 1 and %(max)s days; it is %(days)s.")
            % {"max": MAX_INTERVAL_DAYS, "days": pair.visit_interval_days},
            rule="interval",
            field="visit_interval_days",
        )
    if pair.since > _today():
        raise RuleViolation(
            gettext("The pair cannot start in the future (%(date)s).") % {"date": pair.since},
            rule="future_date",
            field="since",
        )
    if pair.until is not None and pair.until < pair.since:
        raise RuleViolation(
            gettext("The pair cannot end (%(until)s) before it starts (%(since)s).")
            % {"until": pair.until, "since": pair.since},
            rule="end_before_start",
            field="until",
        )


def _check_duplicate(pair: HelpPair) -> None:
    others = HelpPair.objects.filter(helper_id=pair.helper_id, kind=pair.kind, state=PairState.ACTIVE)
    if pair.pk:
        others = others.exclude(pk=pair.pk)
    if pair.kind == PairKind.FAMILY:
        others = others.filter(family_head_id=pair.family_head_id)
    elif pair.kind == PairKind.ENTERPRISE:
        others = others.filter(enterprise_name=pair.enterprise_name)
    else:
        others = others.filter(area_id=pair.area_id)
    if others.exists():
        raise RuleViolation(
            gettext("%(helper)s is already paired with %(target)s; edit that pair instead.")
            % {"helper": pair.helper, "target": pair.target_name},
            rule="duplicate_pair",
        )


def _versioned_update(model, obj, version: int | None, changes: dict) -> None:
    """``UPDATE … WHERE version = n``: refuse the change when someone saved the row meanwhile."""
    expected = obj.version if version is None else version
    updated = model.objects.filter(pk=obj.pk, version=expected).update(**changes, version=F("version") + 1)
    if updated != 1:
        raise ConcurrentChange(
            gettext("Someone changed this record at the same moment; reload the page and try again."),
            rule="version",
        )


def _locked_pair(pair: HelpPair) -> HelpPair:
    return (
        HelpPair.objects.select_for_update(of=("self",))
        .select_related("helper", "family_head", "area", "org")
        .get(pk=pair.pk)
    )


# --- pairs ------------------------------------------------------------------------------------


def create_pair(
    *,
    by,
    helper: Person,
    kind: str,
    area: Area,
    org: Organization,
    family_head: Person | None = None,
    enterprise_name: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    visit_interval_days: int = 30,
    note: str = "",
) -> HelpPair:
    """Set up a pair owned by ``org``; the first visit falls due one interval after ``since``."""
    pair = HelpPair(
        helper=helper,
        kind=kind,
        family_head=family_head,
        enterprise_name=_text(enterprise_name),
        area=area,
        org=org,
        since=since or _today(),
        until=until,
        visit_interval_days=visit_interval_days,
        note=_text(note),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    with transaction.atomic():
        check_perm(by, "help_pairs.add_helppair", pair)
        _check_pair(pair)
        _check_duplicate(pair)
        pair.next_visit_due = next_due(pair)
        pair.save()
        audit.record(
            AuditAction.CREATE, pair, by=by, changes=audit.diff({}, audit.snapshot(pair, PAIR_FIELDS))
        )
    return pair


def update_pair(pair: HelpPair, *, by, version: int | None = None, **fields) -> HelpPair:
    """Edit a pair (helper, target, owner, period, interval, note); a stale ``version`` is refused."""
    allowed = set(PAIR_FIELDS) - {"state"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked_pair(pair)
        check_perm(by, "help_pairs.change_helppair", current)
        before = audit.snapshot(current, PAIR_FIELDS)
        for name, value in fields.items():
            setattr(current, name, _text(value) if name in {"enterprise_name", "note"} else value)
        _check_pair(current)
        _check_duplicate(current)
        # Moving a pair must keep it within the editor's scope (re-checked on the new place).
        check_perm(by, "help_pairs.change_helppair", current)
        current.next_visit_due = next_due(current)
        changes = {name: getattr(current, name) for name in [*fields, "family_head", "enterprise_name"]}
        changes["next_visit_due"] = current.next_visit_due
        _versioned_update(HelpPair, current, version if version is not None else pair.version, changes)
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes=audit.diff(before, audit.snapshot(current, PAIR_FIELDS)),
        )
    return current


def end_pair(
    pair: HelpPair, *, by, until: datetime.date | None = None, version: int | None = None, note: str = ""
) -> HelpPair:
    """End an active pair (the family no longer needs help, the helper moved); visits stay."""
    until = until or _today()
    with transaction.atomic():
        current = _locked_pair(pair)
        check_perm(by, "help_pairs.change_helppair", current)
        if not current.is_active:
            raise RuleViolation(gettext("This pair has already ended."), rule="pair_ended")
        if until < current.since:
            raise RuleViolation(
                gettext("The pair cannot end (%(until)s) before it starts (%(since)s).")
                % {"until": until, "since": current.since},
                rule="end_before_start",
                field="until",
            )
        if until > _today():
            raise RuleViolation(
                gettext("The end date %(date)s is in the future; end the pair when it ends.")
                % {"date": until},
                rule="future_date",
                field="until",
            )
        _versioned_update(
            HelpPair,
            current,
            version if version is not None else pair.version,
            {"state": PairState.ENDED, "until": until},
        )
        current.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [PairState.ACTIVE, PairState.ENDED], "until": [None, until.isoformat()]},
            note=_text(note),
        )
    return current


# --- visits -----------------------------------------------------------------------------------


def _check_visit(pair: HelpPair, visit: Visit) -> None:
    if visit.visited_on > _today():
        raise RuleViolation(
            gettext("The visit date %(date)s is in the future; record visits that have happened.")
            % {"date": visit.visited_on},
            rule="future_date",
            field="visited_on",
        )
    if visit.visited_on < pair.since:
        raise RuleViolation(
            gettext("The visit date %(date)s is before the pair started (%(since)s).")
            % {"date": visit.visited_on, "since": pair.since},
            rule="before_pair",
            field="visited_on",
        )
    if pair.until is not None and visit.visited_on > pair.until:
        raise RuleViolation(
            gettext("The visit date %(date)s is after the pair ended (%(until)s).")
            % {"date": visit.visited_on, "until": pair.until},
            rule="after_pair",
            field="visited_on",
        )
    if visit.problems_raised_count and not visit.problems_raised:
        raise RuleViolation(
            gettext("Describe the problems raised (%(count)s counted).")
            % {"count": visit.problems_raised_count},
            rule="problems_text",
            field="problems_raised",
        )
    if visit.problems_solved_count and not visit.problems_solved:
        raise RuleViolation(
            gettext("Describe the problems solved (%(count)s counted).")
            % {"count": visit.problems_solved_count},
            rule="problems_text",
            field="problems_solved",
        )


def _refresh_last_visit(pair: HelpPair) -> None:
    """Keep the pair's last visit and next due date in step with its visits (one read, one write)."""
    last = (
        Visit.objects.filter(pair=pair).order_by("-visited_on").values_list("visited_on", flat=True).first()
    )
    pair.last_visited_on = last
    due = next_due(pair)
    HelpPair.objects.filter(pk=pair.pk).update(last_visited_on=last, next_visit_due=due)
    pair.next_visit_due = due


def log_visit(
    pair: HelpPair,
    *,
    by,
    visited_on: datetime.date | None = None,
    findings: str = "",
    problems_raised: str = "",
    problems_raised_count: int = 0,
    problems_solved: str = "",
    problems_solved_count: int = 0,
    next_steps: str = "",
) -> Visit:
    """Record a visit (by the helper themself or by staff); the next visit falls due one interval later."""
    with transaction.atomic():
        current = _locked_pair(pair)
        if not may_log_visit(by, current):
            raise _refuse()
        if not current.is_active:
            raise RuleViolation(
                gettext("This pair has ended; visits can no longer be logged."), rule="pair_ended"
            )
        visit = Visit(
            pair=current,
            visited_on=visited_on or _today(),
            findings=_text(findings),
            problems_raised=_text(problems_raised),
            problems_raised_count=problems_raised_count or 0,
            problems_solved=_text(problems_solved),
            problems_solved_count=problems_solved_count or 0,
            next_steps=_text(next_steps),
            logged_by=by if getattr(by, "is_authenticated", False) else None,
        )
        _check_visit(current, visit)
        visit.save()
        _refresh_last_visit(current)
        audit.record(
            AuditAction.CREATE,
            visit,
            by=by,
            changes=audit.diff({}, audit.snapshot(visit, VISIT_FIELDS)),
            note=gettext("Logged by the helper") if is_own_pair(by, current) else "",
        )
    return visit


def correct_visit(visit: Visit, *, by, version: int | None = None, reason: str = "", **fields) -> Visit:
    """Correct a logged visit; the audit line keeps what it said before (corrected only with a trace)."""
    unknown = set(fields) - set(VISIT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("pair__area", "pair__org", "pair__helper")
            .get(pk=visit.pk)
        )
        if not may_correct_visit(by, current):
            raise _refuse()
        before = audit.snapshot(current, VISIT_FIELDS)
        for name, value in fields.items():
            setattr(current, name, _text(value) if isinstance(value, str) else value)
        _check_visit(current.pair, current)
        _versioned_update(
            Visit,
            current,
            version if version is not None else visit.version,
            {name: getattr(current, name) for name in fields},
        )
        current.refresh_from_db()
        _refresh_last_visit(current.pair)
        changes = audit.diff(before, audit.snapshot(current, VISIT_FIELDS))
        audit.record(AuditAction.UPDATE, current, by=by, changes=changes, note=_text(reason))
    return current
