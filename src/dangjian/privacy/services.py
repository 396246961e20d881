"""The privacy operations (个人信息保护法): a person's data exported (查阅、复制), their erasure on
request (删除) in one transaction across every app, and the retention purge.

Every app that holds personal information registers a ``PersonalDataSource`` in the registry;
this module reads only that store, so it never names another app's models. Audit lines name the
person by key and the rows by count: never a value that the erasure removes.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.excel import export_sheets, record_export, text_column
from dangjian.core.models import Person
from dangjian.core.registry import PersonalDataSource, personal_data_sources
from dangjian.privacy.choices import ErasureState
from dangjian.privacy.models import ErasureRequest

logger = logging.getLogger(__name__)

EXPORT = "privacy.export_personal_data"
ERASE = "privacy.erase_personal_data"
PURGE_BATCH = 500


def _require(person: Person, user, permission: str) -> None:
    if not person.in_scope_of(user, permission):
        raise PermissionDenied(
            gettext("You do not have permission to handle this person's personal data."), rule=permission
        )


# --- Export (查阅、复制) --------------------------------------------------------------------------


def export_file_name(person: Person) -> str:
    return f"personal-data-{person.pk}-{timezone.localdate():%Y%m%d}.xlsx"


def export_personal_data(person: Person, *, by) -> bytes:
    """One workbook of everything the platform holds on ``person``, a sheet per source; audited."""
    _require(person, by, EXPORT)
    sheets = []
    counts: dict[str, int] = {}
    for source in personal_data_sources():
        # Lazy labels ("yes", a choice's name) become text: a workbook cell takes no proxy.
        rows = [
            {key: str(value) if isinstance(value, Promise) else value for key, value in row.items()}
            for row in source.rows(person)
        ]
        counts[source.key] = len(rows)
        columns = [text_column(key, label) for key, label in source.columns]
        sheets.append((source.label, columns, rows))
    content = export_sheets(sheets)
    with transaction.atomic():
        record_export(
            gettext("Copy of a person's personal data"),
            by=by,
            filters={"person": person.pk},
            count=sum(counts.values()),
            file_name=export_file_name(person),
            extra={"sources": counts},
        )
    return content


# --- Erasure (删除) -------------------------------------------------------------------------------


def refusal(person: Person) -> str:
    """Why ``person`` cannot be erased on request (a party member, staff), or ""."""
    for source in personal_data_sources():
        if source.refuses is not None:
            message = source.refuses(person)
            if message:
                return message
    return ""


def record_erasure_request(
    person: Person, *, by, requester: str, requested_on: datetime.date, reason: str
) -> ErasureRequest:
    """Record a resident's request to erase their data; carried out later, after a confirmation."""
    _require(person, by, ERASE)
    message = refusal(person)
    if message:
        raise RuleViolation(message, rule="erasure_refused")
    with transaction.atomic():
        if ErasureRequest.objects.filter(person=person, state=ErasureState.PENDING).exists():
            raise RuleViolation(
                gettext(
                    "A request to erase this person's data is already waiting; confirm or review that one."
                ),
                rule="erasure_pending",
            )
        org_path, area_path = person.audit_scope_paths()
        erasure = ErasureRequest.objects.create(
            person=person,
            requester=requester,
            requested_on=requested_on,
            reason=reason,
            recorded_by=by,
            org_path=org_path,
            area_path=area_path,
        )
        audit.record(
            AuditAction.CREATE,
            erasure,
            by=by,
            changes={"person": person.pk, "requester": requester, "requested_on": requested_on},
        )
    return erasure


@dataclass(frozen=True)
class ErasureResult:
    erasure: ErasureRequest
    rows: dict[str, int]


def erase_person(erasure: ErasureRequest, *, by) -> ErasureResult:
    """Anonymize the person of ``erasure`` in every registered source, in one transaction.

    Rows are anonymized, never deleted, where figures count them (service requests, hours,
    visits): the figures of past periods stay the same. A source that refuses (a party member's
    ledger entry) stops the whole erasure with its message. The audit lines carry counts only.
    """
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        if locked.state != ErasureState.PENDING:
            raise RuleViolation(gettext("This request has already been carried out."), rule="erasure_done")
        person = Person.objects.select_for_update().get(pk=locked.person_id)
        _require(person, by, ERASE)
        message = refusal(person)
        if message:
            raise RuleViolation(message, rule="erasure_refused")
        rows: dict[str, int] = {}
        for source in personal_data_sources():
            if source.erase is not None:
                rows[source.key] = source.erase(person)
        locked.state = ErasureState.DONE
        locked.handled_by = by
        locked.handled_at = timezone.now()
        locked.erased_rows = rows
        locked.save(update_fields=["state", "handled_by", "handled_at", "erased_rows"])
        audit.record(
            AuditAction.UPDATE,
            locked,
            by=by,
            changes={"state": [ErasureState.PENDING, ErasureState.DONE], "rows": rows},
        )
        # The person's line names them by key and by the neutral label they now carry.
        audit.record(
            AuditAction.UPDATE,
            person,
            by=by,
            object_repr=person.name,
            changes={"erased": rows},
            note="personal data erased on request (个人信息保护法)",
        )
    return ErasureResult(locked, rows)


# --- Retention ----------------------------------------------------------------------------------


def retention_days(source: PersonalDataSource) -> int | None:
    return settings.PRIVACY_RETENTION_DAYS.get(source.key, source.retention_days)


def retention_periods() -> list[tuple[PersonalDataSource, int]]:
    """The sources with a retention purge and the days each keeps its data."""
    return [
        (source, days)
        for source in personal_data_sources()
        if source.purge is not None and (days := retention_days(source)) is not None
    ]


def purge_past_retention(
    *, now: datetime.datetime | None = None, dry_run: bool = False, batch: int = PURGE_BATCH
) -> dict[str, int]:
    """Anonymize, source by source, the personal data kept past its retention period.

    Each batch commits on its own, so a long first run never holds one huge transaction, and a
    run stopped half-way resumes where it stopped. Idempotent: rows once anonymized no longer
    match, so a second run changes nothing. With ``dry_run`` it counts and changes nothing.
    """
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for source, days in retention_periods():
        cutoff = now - datetime.timedelta(days=days)
        if dry_run:
            counts[source.key] = source.purge(cutoff, batch, True)
            continue
        total = 0
        while True:
            with transaction.atomic():
                changed = source.purge(cutoff, batch, False)
            total += changed
            if changed < batch:
                break
        counts[source.key] = total
    if not dry_run and any(counts.values()):
        with transaction.atomic():
            audit.record(
                AuditAction.UPDATE,
                object_repr=gettext("Retention purge of personal data"),
                changes={"rows": counts},
                username="系统",
            )
        logger.info("Retention purge anonymized %s", counts)
    return counts
