"""The service record's other parts — training (培训), awards (表彰奖励) and evaluation (评价) —
recorded by an organization for a volunteer, corrected only with a trace.

《志愿服务记录与证明出具办法（试行）》第四条 lists them beside the service itself; like the hours,
an entry is recorded by an organization (谁记录谁证明), is never overwritten (a correction is a new
entry with the reason and who), and the organization's 证明 lists them as they stood when issued.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.activities.choices import AwardLevel, EvaluationResult, RecordEntryKind
from dangjian.activities.models import RecordEntry
from dangjian.activities.services.common import TENTH, not_in_future, user_or_none
from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.core.scoping import check_perm

ADD = "activities.add_recordentry"
CHANGE = "activities.change_recordentry"
# One entry is one course; more than this is a typing mistake (a year's courses are separate entries).
MAX_TRAINING_HOURS = Decimal("500")
# The fields a correction may change (who, which organization and the kind stay the original's).
CONTENT_FIELDS = [
    "occurred_on",
    "title",
    "content",
    "training_hours",
    "awarded_by",
    "award_level",
    "period",
    "result",
]
AUDITED = ["person", "org", "kind", *CONTENT_FIELDS, "is_withdrawn"]


def _training_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise RuleViolation(
            gettext("“%(value)s” is not a number of hours.") % {"value": value},
            rule="hours_number",
            field="training_hours",
        ) from None
    if hours <= 0:
        raise RuleViolation(
            gettext("Hours of training must be more than 0; “%(value)s” was entered.") % {"value": value},
            rule="hours_positive",
            field="training_hours",
        )
    if hours > MAX_TRAINING_HOURS:
        raise RuleViolation(
            gettext("One training entry is one course: at most %(max)s hours; “%(value)s” was entered.")
            % {"max": MAX_TRAINING_HOURS, "value": value},
            rule="training_hours_max",
            field="training_hours",
        )
    return hours


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(message, rule="required", field=field)
    return value


def clean_fields(kind: str, fields: dict) -> dict:
    """The entry's fields checked for its kind, the other kinds' fields emptied (one place for
    the rules of the page, the API and corrections)."""
    if kind not in RecordEntryKind.values:
        raise RuleViolation(gettext("Choose training, award or evaluation."), rule="kind", field="kind")
    occurred_on = fields.get("occurred_on")
    if not isinstance(occurred_on, datetime.date):
        raise RuleViolation(gettext("Enter the date."), rule="required", field="occurred_on")
    not_in_future(occurred_on, "occurred_on")
    cleaned = {
        "occurred_on": occurred_on,
        "title": _required(
            fields.get("title", ""),
            "title",
            gettext("Enter the title (the course, the honour or the evaluation)."),
        )[:200],
        "content": (fields.get("content") or "").strip()[:500],
        "training_hours": None,
        "awarded_by": "",
        "award_level": "",
        "period": "",
        "result": "",
    }
    if kind == RecordEntryKind.TRAINING:
        if fields.get("training_hours") in (None, ""):
            raise RuleViolation(
                gettext("Enter the hours of training."), rule="required", field="training_hours"
            )
        cleaned["training_hours"] = _training_hours(fields["training_hours"])
    elif kind == RecordEntryKind.AWARD:
        cleaned["awarded_by"] = _required(
            fields.get("awarded_by", ""), "awarded_by", gettext("Enter the body that gave the award.")
        )[:200]
        level = fields.get("award_level") or ""
        if level not in ("", *AwardLevel.values):
            raise RuleViolation(gettext("Choose the level of the award."), rule="choice", field="award_level")
        cleaned["award_level"] = level
    else:
        cleaned["period"] = _required(
            fields.get("period", ""), "period", gettext("Enter the period evaluated, e.g. 2025年度.")
        )[:50]
        result = fields.get("result") or ""
        if result not in EvaluationResult.values:
            raise RuleViolation(
                gettext("Choose the result of the evaluation."), rule="required", field="result"
            )
        cleaned["result"] = result
    return cleaned


def record_entry(*, by, person, org, kind: str, **fields) -> RecordEntry:
    """Record a training, an award or an evaluation of ``person`` by ``org``."""
    cleaned = clean_fields(kind, fields)
    with transaction.atomic():
        entry = RecordEntry(
            person=person,
            org=org,
            kind=kind,
            recorded_by=user_or_none(by),
            recorded_at=timezone.now(),
            **cleaned,
        )
        check_perm(by, ADD, entry)
        entry.save()
        audit.record(AuditAction.CREATE, entry, by=by, changes=audit.diff({}, audit.snapshot(entry, AUDITED)))
    return entry


def current_of(entry: RecordEntry) -> RecordEntry:
    """The entry as it stands: the original's latest correction, or the original."""
    original_id = entry.corrects_id or entry.pk
    return RecordEntry.objects.filter(Q(pk=original_id) | Q(corrects_id=original_id)).order_by("-id")[0]


def correct_entry(
    entry: RecordEntry, *, by, reason: str, seen: int | None = None, withdraw: bool = False, **fields
) -> RecordEntry:
    """Correct an entry: a new entry with the fields as they should be, the reason and who; the
    original and earlier corrections stay as they were. ``withdraw`` takes back an entry made in
    error. ``seen`` is the id of the entry as the user saw it (a stale form is refused, 409)."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(
            gettext("Say why the entry is corrected."), rule="reason_required", field="reason"
        )
    with transaction.atomic():
        original = (
            RecordEntry.objects.select_for_update()
            .select_related("org")
            .get(pk=entry.corrects_id or entry.pk)
        )
        check_perm(by, CHANGE, original)
        current = current_of(original)
        if seen not in (None, "") and int(seen) != current.pk:
            raise ConcurrentChange(
                gettext(
                    "Someone else corrected this entry after you opened the page; reload it and try again."
                ),
                rule="stale_version",
            )
        if current.is_withdrawn:
            raise RuleViolation(
                gettext("This entry was withdrawn; record a new one instead."), rule="withdrawn"
            )
        if withdraw:
            cleaned = {name: getattr(current, name) for name in CONTENT_FIELDS}
        else:
            cleaned = clean_fields(original.kind, fields)
            if all(cleaned[name] == getattr(current, name) for name in CONTENT_FIELDS):
                raise RuleViolation(gettext("Nothing was changed; nothing to correct."), rule="no_change")
        correction = RecordEntry.objects.create(
            person_id=original.person_id,
            org=original.org,
            kind=original.kind,
            corrects=original,
            reason=reason[:300],
            is_withdrawn=withdraw,
            recorded_by=user_or_none(by),
            recorded_at=timezone.now(),
            **cleaned,
        )
        audit.record(
            AuditAction.CREATE,
            correction,
            by=by,
            changes={
                **audit.diff(audit.snapshot(current, AUDITED), audit.snapshot(correction, AUDITED)),
                "corrects": [None, original.pk],
            },
            note=reason,
        )
    return correction


# The 证明 is a Chinese document whatever the reader's language (like its template's own text), so
# its snapshot carries the Chinese names rather than the catalog's translation of the moment.
CERTIFICATE_KINDS = {"training": "培训", "award": "表彰奖励", "evaluation": "评价"}
CERTIFICATE_LEVELS = {
    "national": "国家级",
    "provincial": "省级",
    "city": "市级",
    "district": "区县级",
    "street": "街道级",
    "community": "社区级",
    "other": "其他",
}
CERTIFICATE_RESULTS = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}


def certified_entries(person_id: int, org) -> list[dict]:
    """The person's training, awards and evaluations at ``org`` as they stand, by kind and date,
    for the 证明's snapshot (withdrawn entries left out)."""
    order = {kind: index for index, kind in enumerate(RecordEntryKind.values)}
    rows = sorted(
        RecordEntry.objects.in_effect().filter(person_id=person_id, org=org),
        key=lambda row: (order[row.kind], row.occurred_on, row.original_id),
    )
    return [_certified(row) for row in rows]


def _certified(row: RecordEntry) -> dict:
    if row.kind == RecordEntryKind.TRAINING:
        details = f"培训 {row.training_hours} 小时"
    elif row.kind == RecordEntryKind.AWARD:
        level = CERTIFICATE_LEVELS.get(row.award_level, "")
        details = f"{row.awarded_by} · {level}" if level else row.awarded_by
    else:
        details = f"{row.period} · {CERTIFICATE_RESULTS.get(row.result, row.result)}"
    return {
        "kind": row.kind,
        "kind_label": CERTIFICATE_KINDS[row.kind],
        "occurred_on": row.occurred_on.isoformat(),
        "title": row.title,
        "content": row.content,
        "details": details,
        "training_hours": str(row.training_hours) if row.training_hours is not None else None,
        "corrected": row.corrects_id is not None,
    }
