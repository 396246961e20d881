"""State changes of the development pipeline (发展党员): opening a file, recording a dated step
under the step's rules, withdrawing; admission and 转正 change the member ledger in the same
transaction.

Every function checks the permission over the applicant's branch, evaluates the step's rules
(data on ``StepDefinition`` of the ``RuleSet`` in force on the step's date, ``rule_sets.py``;
``development/rules.py``), writes the change and its audit lines in
one transaction and raises ``RuleViolation`` naming the rule instead of returning flags.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.registry import training_hours
from dangjian.core.scoping import check_perm
from dangjian.development import rule_sets, rules
from dangjian.development.choices import OPEN_STATES, ApplicantState, Stage, StepEffect
from dangjian.development.models import Applicant, StepDefinition, StepRecord
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.members.voters import count_with_a_vote, members_with_a_vote, restricted_ids
from dangjian.orgs.choices import BRANCH_KINDS

APPLICATION = "application"
# Values a step may carry (anything else is ignored, so the API cannot store arbitrary JSON).
VALUE_KEYS = {
    "contacts",
    "introducers",
    "present",
    "in_favour",
    "against",
    "abstain",
    "days",
    "hours",
    "months",
    *rules.WRITTEN_OPINION_KEYS,
    "reason",
}
# Text values (a reason recorded for a delay or a postponement); the others are numbers.
TEXT_VALUE_KEYS = ("reason",)
MEMBER_VALUE_KEYS = ("contacts", "introducers", *rules.WRITTEN_OPINION_KEYS)


def active_steps(org, date: datetime.date | None = None) -> list[StepDefinition]:
    """The steps of the rule set in force for ``org`` on ``date`` (default: today)."""
    return rule_sets.steps_for(org, date or timezone.localdate())


def done_dates(records) -> dict[str, list[datetime.date]]:
    """Dates of recorded steps by step code, oldest first."""
    done: dict[str, list[datetime.date]] = defaultdict(list)
    for record in sorted(records, key=lambda record: (record.date, record.pk or 0)):
        done[record.step.code].append(record.date)
    return dict(done)


def extension_months(records) -> int:
    return sum(
        int(rules._number(r.values.get("months"))) for r in records if r.step.effect == StepEffect.EXTEND
    )


def full_member_ids(ids) -> set[int]:
    return set(
        PartyMember.objects.filter(pk__in=ids, status=MemberStatus.FULL, is_active=True).values_list(
            "pk", flat=True
        )
    )


def voters_of(org, on: datetime.date | None = None) -> int:
    """应到会有表决权 at the branch's 支部大会 on ``on``: ``members.voters`` (the whole branch with
    its 党小组, 正式党员 only, without those under 留党察看 or with rights suspended)."""
    return count_with_a_vote(org, on)


def refresh_next(applicant: Applicant, records, steps: list[StepDefinition]) -> None:
    """Store the next required step and its date on the applicant (read by the board and reminders)."""
    if not applicant.is_open:
        applicant.next_step, applicant.next_due_on, applicant.next_due_is_deadline = None, None, False
        return
    step, due = rules.next_step(steps, done_dates(records), extension_months(records))
    applicant.next_step = step
    applicant.next_due_on = due.date if due else None
    applicant.next_due_is_deadline = bool(due and due.deadline)


def _clean_values(values: dict) -> dict:
    clean = {}
    for key, value in values.items():
        if key not in VALUE_KEYS or value in (None, "", []):
            continue
        if key in MEMBER_VALUE_KEYS:
            clean[key] = rules._ids(value)
        elif key in TEXT_VALUE_KEYS:
            text = str(value).strip()[:500]
            if text:
                clean[key] = text
        else:
            number = rules._number(value)
            clean[key] = int(number) if number == int(number) else number
    return clean


def _refuse(message: str, rule: str = "", field: str | None = None):
    raise RuleViolation(message, rule=rule, field=field)


def apply(person, *, org, date: datetime.date, source: str, by, note: str = "") -> Applicant:
    """Open a file: the person hands in an application (入党申请书) to the branch ``org``.

    The application step's rules (age ≥ 18, 推优 under 28 as a warning) are evaluated like any step.
    """
    if org.kind not in BRANCH_KINDS:
        _refuse(
            gettext("“%(org)s” is not a branch; an application is handed in to a party branch.")
            % {"org": org.name},
            "development_branch",
            "org",
        )
    if date > timezone.localdate():
        _refuse(gettext("The date cannot be in the future."), "date_future", "date")
    with transaction.atomic():
        applicant = Applicant(person=person, org=org, source=source, applied_on=date, note=note.strip())
        check_perm(by, "development.add_applicant", applicant)
        if PartyMember.objects.filter(person=person).exists():
            _refuse(
                gettext("%(name)s is already a party member.") % {"name": person.name},
                "development_already_member",
                "person",
            )
        if Applicant.objects.filter(person=person, state__in=OPEN_STATES).exists():
            _refuse(
                gettext("%(name)s already has an open development file.") % {"name": person.name},
                "development_one_open",
                "person",
            )
        steps = active_steps(org, date)
        step = next((s for s in steps if s.code == APPLICATION), None)
        outcome = rules.evaluate(
            step.rules if step else [],
            rules.Context(
                date=date,
                birth_date=person.birth_date,
                source=source,
                values={},
                done={},
                step_names={s.code: s.name for s in steps},
            ),
        )
        if outcome.errors:
            _refuse(outcome.errors[0][1], f"{APPLICATION}.{outcome.errors[0][0].get('kind', '')}", "date")
        try:
            with transaction.atomic():
                applicant.save()
        except IntegrityError:
            _refuse(
                gettext("%(name)s already has an open development file.") % {"name": person.name},
                "development_one_open",
                "person",
            )
        records = []
        if step is not None:
            records.append(
                StepRecord.objects.create(
                    applicant=applicant,
                    step=step,
                    date=date,
                    recorded_by=_user(by),
                    materials=list(step.materials),
                    warnings=outcome.warnings,
                )
            )
        refresh_next(applicant, records, active_steps(org))
        applicant.save(update_fields=["next_step", "next_due_on", "next_due_is_deadline"])
        audit.record(
            AuditAction.CREATE,
            applicant,
            by=by,
            changes=audit.diff({}, audit.snapshot(applicant)),
            note="; ".join(outcome.warnings),
        )
    applicant.warnings = outcome.warnings
    return applicant


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def record_step(
    applicant: Applicant,
    step_code: str,
    date: datetime.date,
    *,
    by,
    materials: list[str] | None = None,
    note: str = "",
    **values,
) -> StepRecord:
    """Record a dated step of ``applicant``'s file after checking the step's rules.

    The step is judged by the rule set in force for the branch on ``date`` (``rule_set_for``); the
    record points to that set's step, so it keeps the set that judged it. Refused with
    ``RuleViolation`` naming the rule and its article (the one-year rule, the quorum of the 支部大会 …). Steps with an effect change the stage; admission creates the member's
    ledger entry (预备党员, joined on the 支部大会 date), 转正 makes it full, cancellation ends it.
    Returns the record; its ``warnings`` list what was accepted but not as the rule expects.
    """
    with transaction.atomic():
        current = Applicant.objects.select_for_update().select_related("person", "org").get(pk=applicant.pk)
        steps = active_steps(current.org, date)
        step = next((s for s in steps if s.code == step_code), None)
        if step is None:
            _refuse(
                gettext("There is no active step “%(code)s” in the rule set in force on %(date)s.")
                % {"code": step_code, "date": rules.fmt(date)},
                "development_step",
                "step",
            )
        check_perm(by, step.permission or "development.change_applicant", current)
        check_perm(by, "development.change_applicant", current)
        if not current.is_open:
            _refuse(
                gettext("The file of %(name)s is closed (%(state)s); no more steps can be recorded.")
                % {"name": current.person.name, "state": current.get_state_display()},
                "development_closed",
            )
        if date > timezone.localdate():
            _refuse(gettext("The date cannot be in the future."), "date_future", "date")
        records = list(StepRecord.objects.filter(applicant=current).select_related("step"))
        done = done_dates(records)
        if step.code in done and not step.is_repeatable:
            _refuse(
                gettext("“%(step)s” is already recorded for %(name)s (%(date)s).")
                % {"step": step.name, "name": current.person.name, "date": rules.fmt(done[step.code][-1])},
                "development_once",
            )
        clean = _clean_values(values)
        if any(rule.get("kind") == "training" for rule in step.rules or []):
            studied = training_hours(current.person_id, current.candidate_on or current.applied_on, date)
            if studied:
                clean["studied_hours"] = round(studied, 1)
        member_ids = [i for key in MEMBER_VALUE_KEYS for i in clean.get(key, [])]
        written_ids = [i for key in rules.WRITTEN_OPINION_KEYS for i in clean.get(key, [])]
        has_vote = any(r.get("kind") == "vote" for r in step.rules)
        ctx = rules.Context(
            date=date,
            birth_date=current.person.birth_date,
            source=current.source,
            values=clean,
            done=done,
            step_names={s.code: s.name for s in steps},
            extension_months=extension_months(records),
            full_member_ids=full_member_ids(member_ids) if member_ids else set(),
            restricted_member_ids=restricted_ids(member_ids, date),
            voters=voters_of(current.org, date) if has_vote else 0,
            written_voter_ids=set(
                members_with_a_vote(current.org, date).filter(pk__in=written_ids).values_list("pk", flat=True)
            )
            if written_ids
            else set(),
        )
        outcome = rules.evaluate(step.rules or [], ctx)
        if outcome.errors:
            rule, message = outcome.errors[0]
            field = "date" if rule.get("kind") in ("after", "min_age") else rule.get("value")
            # "<step>.<kind>" (e.g. "candidate.after"): API clients can tell the one-year activist
            # rule from the one-month talk rule without reading the message.
            _refuse(message, f"{step.code}.{rule.get('kind', '')}", field)
        if ctx.voters:
            clean["voters"] = ctx.voters
        before = audit.snapshot(current)
        record = StepRecord.objects.create(
            applicant=current,
            step=step,
            date=date,
            recorded_by=_user(by),
            materials=list(materials if materials is not None else step.materials),
            values=clean,
            warnings=outcome.warnings,
            note=note.strip(),
        )
        records.append(record)
        _apply_effect(current, step, date, records, by)
        refresh_next(current, records, active_steps(current.org))
        current.save()
        audit.record(
            AuditAction.CREATE,
            record,
            by=by,
            changes=audit.diff({}, audit.snapshot(record)),
            note="; ".join(outcome.warnings),
        )
        changes = audit.diff(before, audit.snapshot(current))
        if changes:
            audit.record(AuditAction.UPDATE, current, by=by, changes=changes, note=step.name)
    return record


def _apply_effect(current: Applicant, step: StepDefinition, date: datetime.date, records, by) -> None:
    effect = step.effect
    if effect == StepEffect.ACTIVIST:
        current.stage, current.activist_on = Stage.ACTIVIST, date
    elif effect == StepEffect.CANDIDATE:
        current.stage, current.candidate_on = Stage.CANDIDATE, date
    elif effect == StepEffect.ADMIT:
        _admit(current, records, by)
    elif effect == StepEffect.EXTEND:
        if current.admitted_on:
            current.probation_ends_on = rules.add_interval(
                current.admitted_on, {"years": 1}, extra_months=extension_months(records)
            )
    elif effect == StepEffect.CANCEL:
        _end_membership(current, date, by)
        current.state, current.closed_on = ApplicantState.CANCELLED, date
    elif effect == StepEffect.REGULARIZE:
        _regularize(current, by)


def _meeting_date(records) -> datetime.date | None:
    """The 支部大会 that admitted: the latest record of a step with a vote before admission."""
    dates = [r.date for r in records if r.step.code == "branch_meeting"]
    if dates:
        return max(dates)
    votes = [r.date for r in records if any(rule.get("kind") == "vote" for rule in r.step.rules)]
    return min(votes) if votes else None


def _admit(current: Applicant, records, by) -> None:
    """The 上级党委 approved: the person becomes a 预备党员 from the 支部大会 date (细则; 党章第七条)."""
    meeting = _meeting_date(records)
    if meeting is None:
        _refuse(gettext("Record the branch general meeting first."), "development_meeting")
    if PartyMember.objects.filter(person=current.person).exists():
        _refuse(
            gettext("%(name)s already has a party membership record.") % {"name": current.person.name},
            "development_already_member",
        )
    check_perm(by, "development.change_applicant", current)
    member = PartyMember.objects.create(
        person=current.person,
        org=current.org,
        status=MemberStatus.PROBATIONARY,
        joined_on=meeting,
    )
    audit.record(AuditAction.CREATE, member, by=by, changes=audit.diff({}, audit.snapshot(member)))
    current.member = member
    current.stage, current.state = Stage.PROBATIONARY, ApplicantState.ADMITTED
    current.admitted_on = meeting
    current.probation_ends_on = rules.add_interval(
        meeting, {"years": 1}, extra_months=extension_months(records)
    )


def _locked_member(current: Applicant) -> PartyMember:
    if current.member_id is None:
        _refuse(
            gettext("%(name)s has no membership record.") % {"name": current.person.name},
            "development_member",
        )
    return PartyMember.objects.select_for_update().get(pk=current.member_id)


def _regularize(current: Applicant, by) -> None:
    """转正: the member becomes full; 党龄 counts from the end of the 预备期."""
    member = _locked_member(current)
    regularized_on = current.probation_ends_on or rules.add_interval(current.admitted_on, {"years": 1})
    before = {"status": member.status, "regularized_on": member.regularized_on}
    member.status = MemberStatus.FULL
    member.regularized_on = regularized_on
    member.version = F("version") + 1
    member.save(update_fields=["status", "regularized_on", "version"])
    member.refresh_from_db(fields=["version"])
    audit.record(
        AuditAction.UPDATE,
        member,
        by=by,
        changes=audit.diff(before, {"status": member.status, "regularized_on": regularized_on}),
    )
    current.stage, current.state = Stage.FULL, ApplicantState.FULL
    current.regularized_on = regularized_on
    current.closed_on = regularized_on


def _end_membership(current: Applicant, date: datetime.date, by) -> None:
    """取消预备党员资格: the probationary membership ends (kept, inactive, with a note)."""
    member = _locked_member(current)
    member.is_active = False
    member.note = (member.note + "\n" if member.note else "") + gettext(
        "Probation cancelled on %(date)s."
    ) % {"date": rules.fmt(date)}
    member.version = F("version") + 1
    member.save(update_fields=["is_active", "note", "version"])
    member.refresh_from_db(fields=["version"])
    audit.record(AuditAction.UPDATE, member, by=by, changes={"is_active": [True, False]})


def withdraw(applicant: Applicant, *, by, date: datetime.date, reason: str) -> Applicant:
    """Close a file before admission (the applicant withdraws or is no longer considered)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = Applicant.objects.select_for_update().select_related("person", "org").get(pk=applicant.pk)
        check_perm(by, "development.change_applicant", current)
        if not reason:
            _refuse(gettext("Give the reason for closing the file."), "required", "reason")
        if current.state != ApplicantState.ACTIVE:
            _refuse(
                gettext("Only a file in progress can be withdrawn; this one is %(state)s.")
                % {"state": current.get_state_display()},
                "development_not_active",
            )
        current.state, current.closed_on = ApplicantState.WITHDRAWN, date
        current.next_step, current.next_due_on, current.next_due_is_deadline = None, None, False
        current.note = (current.note + "\n" if current.note else "") + reason
        current.save()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [ApplicantState.ACTIVE.value, ApplicantState.WITHDRAWN.value]},
            note=reason,
        )
    return current
