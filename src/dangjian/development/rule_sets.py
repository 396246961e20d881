"""Versioned rule sets of the development pipeline: which set judges a step on a date, and the
state changes of sets (copy into a draft, edit a draft's step, activate, load from a file).

A revised 细则 (May 2026) is entered as a new set with its own effective date; steps dated before
it stay under the set in force then, and records keep the step — so the set — that judged them.
Every change is one transaction with its audit lines; an active set is never edited in place.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import has_perm_over, scope_of
from dangjian.development.choices import RuleSetState, Stage, StepEffect
from dangjian.development.models import DEFAULT_STEP_PERMISSION, RuleSet, StepDefinition
from dangjian.orgs.models import Organization

# The fields of a step a draft may change, and the ones a file of steps carries.
STEP_FIELDS = (
    "code",
    "stage",
    "order",
    "name",
    "description",
    "permission",
    "materials",
    "rules",
    "reminder_days",
    "effect",
    "is_required",
    "is_repeatable",
    "is_active",
)
EDITABLE_STEP_FIELDS = tuple(field for field in STEP_FIELDS if field != "code")


def _refuse(message: str, rule: str, field: str | None = None):
    raise RuleViolation(message, rule=rule, field=field)


def rule_set_for(org: Organization, date: datetime.date) -> RuleSet:
    """The active set that judges a step of a file in ``org`` dated ``date``.

    Among the active sets whose ``org`` covers the branch, the one with the latest effective date
    on or before ``date``; at the same date a regional set wins over a wider one. A date before
    every set (an old file entered late) is judged by the earliest set: there is no older rule.
    """
    candidates = [s for s in RuleSet.objects.active().select_related("org") if s.covers(org)]
    if not candidates:
        _refuse(
            gettext("No active development rule set applies to %(org)s; ask the 组织部 to activate one.")
            % {"org": org.name},
            "development_rule_set",
        )
    in_force = [s for s in candidates if s.effective_from <= date]
    if not in_force:
        earliest = min(s.effective_from for s in candidates)
        in_force = [s for s in candidates if s.effective_from == earliest]
    return max(in_force, key=lambda s: (s.effective_from, len(s.org.path) if s.org_id else 0, s.pk))


def steps_of(rule_set: RuleSet) -> list[StepDefinition]:
    """The active steps of a set, in order."""
    return list(rule_set.steps.filter(is_active=True).order_by("order", "id"))


def steps_for(org: Organization, date: datetime.date) -> list[StepDefinition]:
    return steps_of(rule_set_for(org, date))


def can_manage(user, rule_set: RuleSet, permission: str = "development.change_ruleset") -> bool:
    """A regional set is managed over its org; a national one by whoever holds the right over a
    root organization (the 组织部 at the top of the deployment)."""
    if rule_set.org_id:
        return has_perm_over(user, permission, rule_set)
    scope = scope_of(user)
    if scope.is_global:
        return True
    return any(
        scope.has_perm(permission, org_path=path)
        for path in Organization.objects.filter(depth=1).values_list("path", flat=True)
    )


def _check(user, rule_set: RuleSet, permission: str = "development.change_ruleset") -> None:
    if not can_manage(user, rule_set, permission):
        raise PermissionDenied(
            gettext("You do not have permission to do this within this scope."), rule="scope"
        )


def _check_name(name: str, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        _refuse(gettext("Give the rule set a name."), "required", "name")
    if RuleSet.objects.filter(name=name).exclude(pk=exclude).exists():
        _refuse(gettext("A rule set named “%(name)s” exists already.") % {"name": name}, "unique", "name")
    return name


def copy_rule_set(
    original: RuleSet,
    *,
    by,
    name: str,
    effective_from: datetime.date,
    source: str = "",
    org: Organization | None = None,
    note: str = "",
) -> RuleSet:
    """A new draft with the steps of ``original``, to be edited and then activated."""
    with transaction.atomic():
        draft = RuleSet(
            name=_check_name(name),
            source=(source or original.source).strip(),
            effective_from=effective_from,
            org=org,
            state=RuleSetState.DRAFT,
            copied_from=original,
            note=note.strip(),
        )
        _check(by, draft)
        draft.save()
        StepDefinition.objects.bulk_create(
            StepDefinition(rule_set=draft, **{field: getattr(step, field) for field in STEP_FIELDS})
            for step in original.steps.order_by("order", "id")
        )
        audit.record(
            AuditAction.CREATE,
            draft,
            by=by,
            changes=audit.diff({}, audit.snapshot(draft)),
            note=gettext("Copied from “%(name)s”.") % {"name": original.name},
        )
    return draft


def _validated(step: StepDefinition) -> None:
    try:
        step.full_clean(exclude=["rule_set"])
    except ValidationError as error:
        messages = [f"{field}: {'; '.join(errs)}" for field, errs in error.message_dict.items()]
        _refuse("；".join(messages), "development_step_invalid", next(iter(error.message_dict), None))


def update_step(step: StepDefinition, *, by, **fields: Any) -> StepDefinition:
    """Change a step of a draft set (its rules, intervals, materials …); an active set is frozen."""
    with transaction.atomic():
        current = StepDefinition.objects.select_for_update().select_related("rule_set").get(pk=step.pk)
        rule_set = RuleSet.objects.select_for_update().get(pk=current.rule_set_id)
        _check(by, rule_set)
        if not rule_set.is_draft:
            _refuse(
                gettext("“%(name)s” is %(state)s; copy it into a draft to change its steps.")
                % {"name": rule_set.name, "state": rule_set.get_state_display()},
                "development_rule_set_frozen",
            )
        before = audit.snapshot(current)
        for field, value in fields.items():
            if field not in EDITABLE_STEP_FIELDS:
                continue
            setattr(current, field, value)
        _validated(current)
        current.save()
        changes = audit.diff(before, audit.snapshot(current))
        if changes:
            audit.record(AuditAction.UPDATE, current, by=by, changes=changes, note=rule_set.name)
    return current


def activate_rule_set(rule_set: RuleSet, *, by) -> RuleSet:
    """A draft becomes active: from its effective date it judges the steps of the branches it covers.

    Refused when it has no steps, when a rule names a step the set lacks, or when another active
    set for the same place starts on the same date (which of the two would judge is then unclear).
    """
    with transaction.atomic():
        current = RuleSet.objects.select_for_update(of=("self",)).select_related("org").get(pk=rule_set.pk)
        _check(by, current)
        if not current.is_draft:
            _refuse(
                gettext("Only a draft can be activated; “%(name)s” is %(state)s.")
                % {"name": current.name, "state": current.get_state_display()},
                "development_rule_set_state",
            )
        steps = list(current.steps.all())
        if not any(step.is_active for step in steps):
            _refuse(gettext("The rule set has no active step."), "development_rule_set_empty")
        for step in steps:
            _validated(step)
        clash = RuleSet.objects.active().filter(org=current.org, effective_from=current.effective_from)
        if clash.exists():
            _refuse(
                gettext("“%(other)s” is already active for the same organizations from %(date)s.")
                % {"other": clash.first().name, "date": current.effective_from.isoformat()},
                "development_rule_set_clash",
                "effective_from",
            )
        before = audit.snapshot(current)
        current.state = RuleSetState.ACTIVE
        current.activated_at = timezone.now()
        current.save(update_fields=["state", "activated_at"])
        audit.record(AuditAction.UPDATE, current, by=by, changes=audit.diff(before, audit.snapshot(current)))
    return current


def retire_rule_set(rule_set: RuleSet, *, by) -> RuleSet:
    """An active set stops judging new steps; the records it judged keep it."""
    with transaction.atomic():
        current = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        _check(by, current)
        if current.state != RuleSetState.ACTIVE:
            _refuse(
                gettext("Only an active rule set can be retired."),
                "development_rule_set_state",
            )
        current.state = RuleSetState.RETIRED
        current.save(update_fields=["state"])
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"state": [RuleSetState.ACTIVE.value, current.state]}
        )
    return current


def export_rule_set(rule_set: RuleSet) -> dict:
    """A set as the JSON document ``load_rule_set`` reads."""
    return {
        "name": rule_set.name,
        "source": rule_set.source,
        "effective_from": rule_set.effective_from.isoformat(),
        "org": rule_set.org.code if rule_set.org_id else None,
        "note": rule_set.note,
        "steps": [
            {field: getattr(step, field) for field in STEP_FIELDS}
            for step in rule_set.steps.order_by("order", "id")
        ],
    }


def load_rule_set(data: bytes | str | Mapping, *, by) -> RuleSet:
    """A draft from a JSON document (``export_rule_set``'s shape): name, source, effective_from,
    optional org (its code) and steps. All or nothing; an invalid step refuses the whole file."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            _refuse(gettext("The file is not valid JSON."), "development_rule_set_file", "file")
    if not isinstance(data, Mapping) or not isinstance(data.get("steps"), list) or not data["steps"]:
        _refuse(
            gettext("The file must be a JSON object with name, source, effective_from and a list of steps."),
            "development_rule_set_file",
            "file",
        )
    try:
        effective_from = datetime.date.fromisoformat(str(data.get("effective_from", "")))
    except ValueError:
        _refuse(
            gettext("effective_from “%(value)s” is not a date (YYYY-MM-DD).")
            % {"value": data.get("effective_from", "")},
            "development_rule_set_file",
            "file",
        )
    org = None
    if data.get("org"):
        org = Organization.objects.filter(code=str(data["org"])).first()
        if org is None:
            _refuse(
                gettext("There is no organization with the code “%(code)s”.") % {"code": data["org"]},
                "development_rule_set_file",
                "file",
            )
    with transaction.atomic():
        rule_set = RuleSet(
            name=_check_name(str(data.get("name", ""))),
            source=str(data.get("source", "")).strip(),
            effective_from=effective_from,
            org=org,
            note=str(data.get("note", "")).strip(),
        )
        if not rule_set.source:
            _refuse(gettext("Name the source document of the rule set."), "required", "file")
        _check(by, rule_set)
        rule_set.save()
        codes = set()
        for number, row in enumerate(data["steps"], start=1):
            if not isinstance(row, Mapping):
                _refuse(gettext("Step %(n)s is not an object.") % {"n": number}, "development_rule_set_file")
            values = {field: row[field] for field in STEP_FIELDS if field in row}
            values.setdefault("permission", DEFAULT_STEP_PERMISSION)
            values.setdefault("order", number * 10)
            step = StepDefinition(rule_set=rule_set, **values)
            if step.code in codes:
                _refuse(
                    gettext("Step code “%(code)s” appears twice.") % {"code": step.code},
                    "development_rule_set_file",
                    "file",
                )
            codes.add(step.code)
            if step.stage not in Stage.values or step.effect not in StepEffect.values:
                _refuse(
                    gettext("Step %(n)s (“%(code)s”) has an unknown stage or effect.")
                    % {"n": number, "code": step.code},
                    "development_rule_set_file",
                    "file",
                )
            try:
                step.clean_fields(exclude=["rule_set"])
            except ValidationError as error:
                _refuse(
                    gettext("Step %(n)s (“%(code)s”): %(errors)s")
                    % {"n": number, "code": step.code, "errors": "; ".join(error.messages)},
                    "development_rule_set_file",
                    "file",
                )
            step.save()
        for step in rule_set.steps.all():
            _validated(step)
        audit.record(
            AuditAction.CREATE,
            rule_set,
            by=by,
            changes=audit.diff({}, audit.snapshot(rule_set)),
            note=gettext("Loaded from a file with %(n)s steps.") % {"n": len(codes)},
        )
    return rule_set
