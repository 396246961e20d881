"""The one hours ledger: records entered by staff, 双报到 service logs posted on confirmation,
corrections with their trace, and the 志愿服务记录证明.

Rules from 民政部《志愿服务记录与证明出具办法（试行）》 (DOMAIN.md, "Volunteer service"): hours are
the time actually served; a record is corrected only with a trace (a correcting record with the
reason and who, never an overwrite); the organization that recorded the service issues the 证明,
free of charge, on the volunteer's request (谁记录谁证明: one 证明 per recording organization).

The 证明 is asked for by the volunteer and issued by the recording organization's staff (so a
person checks the records before they are certified); what it lists is fixed at issue.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.activities.choices import CertificateState, HoursSource
from dangjian.activities.models import Certificate, HoursRecord
from dangjian.activities.services import records
from dangjian.activities.services.common import not_in_future, parse_hours, today, user_or_none
from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.scoping import check_perm

ADD = "activities.add_hoursrecord"
CHANGE = "activities.change_hoursrecord"
ISSUE = "activities.change_certificate"


def effective_hours(record: HoursRecord) -> Decimal:
    """The hours of a service after its corrections (``record`` is the original)."""
    corrections = HoursRecord.objects.filter(corrects=record).aggregate(total=Sum("hours"))["total"]
    return record.hours + (corrections or Decimal("0"))


def record_hours(
    *, by, person, org, served_on: datetime.date, content: str, hours, place: str = ""
) -> HoursRecord:
    """Staff enter service the platform did not see (an activity on paper, another team's list)."""
    hours = parse_hours(hours)
    content = (content or "").strip()
    if not content:
        raise RuleViolation(gettext("Say what service was done."), rule="required", field="content")
    not_in_future(served_on, "served_on")
    with transaction.atomic():
        record = HoursRecord(
            person=person,
            org=org,
            served_on=served_on,
            place=(place or "").strip(),
            content=content[:500],
            hours=hours,
            source=HoursSource.MANUAL,
            confirmed_by=user_or_none(by),
            confirmed_at=timezone.now(),
        )
        check_perm(by, ADD, record)
        record.save()
        audit.record(
            AuditAction.CREATE,
            record,
            by=by,
            changes=audit.diff(
                {},
                audit.snapshot(record, ["person", "org", "served_on", "place", "content", "hours", "source"]),
            ),
        )
        from dangjian.activities.services import points

        points.post_points_for(record)
    return record


def correct_hours(
    record: HoursRecord, *, by, hours, reason: str, effective: str | None = None
) -> HoursRecord:
    """Correct confirmed hours: a new record carrying the change, the reason and who made it.

    ``hours`` is what the service really took (0 when it did not happen); ``effective`` is the
    value the user saw (a stale form is refused with 409 instead of correcting twice).
    """
    new_hours = parse_hours(hours, allow_zero=True)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(
            gettext("Say why the hours are corrected."), rule="reason_required", field="reason"
        )
    with transaction.atomic():
        original = (
            HoursRecord.objects.select_for_update()
            .select_related("org")
            .get(pk=record.corrects_id or record.pk)
        )
        check_perm(by, CHANGE, original)
        current = effective_hours(original)
        if effective not in (None, "") and parse_hours(effective, allow_zero=True) != current:
            raise ConcurrentChange(
                gettext(
                    "Someone else corrected these hours after you opened the page; reload it and try again."
                ),
                rule="stale_version",
            )
        if new_hours == current:
            raise RuleViolation(
                gettext("The record already counts %(hours)s hours; nothing to correct.")
                % {"hours": current},
                rule="no_change",
                field="hours",
            )
        correction = HoursRecord.objects.create(
            person_id=original.person_id,
            org=original.org,
            served_on=original.served_on,
            place=original.place,
            content=original.content,
            hours=new_hours - current,
            source=original.source,
            signup_id=original.signup_id,
            corrects=original,
            reason=reason[:300],
            confirmed_by=user_or_none(by),
            confirmed_at=timezone.now(),
        )
        audit.record(
            AuditAction.CREATE,
            correction,
            by=by,
            changes={"hours": [str(current), str(new_hours)], "corrects": [None, original.pk]},
            note=reason,
        )
        from dangjian.activities.services import points

        points.post_points_for(correction)
    return correction


# --- 双报到 -----------------------------------------------------------------------------------


def recording_org_of_report(report):
    """The organization that records a member's 双报到 service: the community's party organization
    (its staff confirm the log), else the member's own organization."""
    from dangjian.dual_reporting.services import community_org_of

    return report.community_org or community_org_of(report.community) or report.member.org


def post_service_log(service_log, *, by=None) -> HoursRecord | None:
    """Post a confirmed 双报到 service log of a member to the hours ledger (once; a unit's log under
    a pairing is the unit's service, not a person's, and is not posted)."""
    if service_log.report_id is None or service_log.confirmed_at is None:
        return None
    existing = HoursRecord.objects.filter(service_log=service_log).first()
    if existing is not None:
        return existing
    report = service_log.report
    with transaction.atomic():
        record = HoursRecord.objects.create(
            person_id=report.member.person_id,
            org=recording_org_of_report(report),
            served_on=service_log.served_on,
            place=report.community.name,
            content=service_log.description[:500],
            hours=service_log.hours,
            source=HoursSource.DUAL_REPORTING,
            service_log=service_log,
            confirmed_by=service_log.confirmed_by,
            confirmed_at=service_log.confirmed_at,
        )
        audit.record(
            AuditAction.CREATE,
            record,
            by=by,
            changes=audit.diff({}, audit.snapshot(record, ["person", "org", "served_on", "hours", "source"])),
            note=gettext("Posted from a confirmed 双报到 service log"),
        )
        from dangjian.activities.services import points

        points.post_points_for(record)
    return record


def on_service_log_confirmed(sender, *, service_log, by=None, **kwargs) -> None:
    """Receiver of ``dual_reporting.signals.service_log_confirmed`` (inside its transaction)."""
    post_service_log(service_log, by=by)


# --- 志愿服务记录证明 -----------------------------------------------------------------------------


def request_certificate(*, by, org, purpose: str = "") -> Certificate:
    """The signed-in volunteer asks ``org`` for a 证明 of the service it recorded for them."""
    person_id = getattr(by, "person_id", None)
    if not person_id:
        raise PermissionDenied(gettext("Your account is not linked to a person."), rule="no_person")
    if not HoursRecord.objects.filter(person_id=person_id, org=org).exists():
        raise RuleViolation(
            gettext(
                "%(org)s has recorded no service of yours; a 证明 is issued by the organization that recorded the service."
            )
            % {"org": org.name},
            rule="nothing_recorded",
        )
    with transaction.atomic():
        if Certificate.objects.filter(
            person_id=person_id, org=org, state=CertificateState.REQUESTED
        ).exists():
            raise RuleViolation(
                gettext("You have already asked %(org)s for a 证明; it is being prepared.")
                % {"org": org.name},
                rule="one_open_request",
            )
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    person_id=person_id,
                    org=org,
                    purpose=(purpose or "").strip()[:200],
                    requested_at=timezone.now(),
                    requested_by=user_or_none(by),
                )
        except IntegrityError as error:
            raise RuleViolation(
                gettext("You have already asked %(org)s for a 证明; it is being prepared.")
                % {"org": org.name},
                rule="one_open_request",
            ) from error
        audit.record(
            AuditAction.CREATE,
            certificate,
            by=by,
            changes={"state": [None, certificate.state], "org": [None, org.name]},
        )
    return certificate


def certified_records(person_id: int, org) -> list[dict]:
    """The person's records at ``org``, each with its effective hours (corrections applied), by date."""
    records = list(
        HoursRecord.objects.filter(person_id=person_id, org=org)
        .order_by("served_on", "id")
        .values("pk", "corrects_id", "served_on", "place", "content", "hours", "source")
    )
    by_pk = {row["pk"]: dict(row) for row in records if row["corrects_id"] is None}
    for row in records:
        if row["corrects_id"] is not None and row["corrects_id"] in by_pk:
            by_pk[row["corrects_id"]]["hours"] += row["hours"]
            by_pk[row["corrects_id"]]["corrected"] = True
    labels = dict(HoursSource.choices)
    return [
        {
            "served_on": row["served_on"].isoformat(),
            "place": row["place"],
            "content": row["content"],
            "hours": str(row["hours"]),
            "source": str(labels.get(row["source"], row["source"])),
            "corrected": row.get("corrected", False),
        }
        for row in by_pk.values()
        if row["hours"] > 0
    ]


def issue_certificate(certificate: Certificate, *, by) -> Certificate:
    """The recording organization issues the 证明 (free of charge): a number, the records as they
    stand now and their total, and its training, awards and evaluations, fixed from here on."""
    with transaction.atomic():
        current = (
            Certificate.objects.select_for_update(of=("self",)).select_related("org").get(pk=certificate.pk)
        )
        check_perm(by, ISSUE, current)
        if current.state != CertificateState.REQUESTED:
            raise RuleViolation(gettext("This 证明 has already been issued."), rule="already_issued")
        rows = certified_records(current.person_id, current.org)
        if not rows:
            raise RuleViolation(gettext("No service is recorded to certify."), rule="nothing_recorded")
        now = timezone.now()
        current.records = rows
        # The training, awards and evaluations the same organization recorded (《志愿服务记录与证明出具办法（试行）》第四条), fixed too.
        current.entries = records.certified_entries(current.person_id, current.org)
        current.total_hours = sum((Decimal(row["hours"]) for row in rows), Decimal("0"))
        current.state = CertificateState.ISSUED
        current.issued_at, current.issued_by = now, user_or_none(by)
        current.number = f"{current.org.code}-{timezone.localdate(now).year}-{current.pk:06d}"
        current.save(
            update_fields=["records", "entries", "total_hours", "state", "issued_at", "issued_by", "number"]
        )
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={
                "state": [CertificateState.REQUESTED, CertificateState.ISSUED],
                "number": [None, current.number],
                "total_hours": [None, str(current.total_hours)],
                "entries": [None, len(current.entries)],
            },
        )
    return current


def record_download(certificate: Certificate, *, by) -> None:
    """Each download of an issued 证明 is an audit line (who printed whose certificate, when)."""
    audit.record(AuditAction.EXPORT, certificate, by=by, note=gettext("志愿服务记录证明 downloaded"))


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def person_totals(person_id: int, year: int | None = None) -> dict:
    """A person's confirmed hours this year and in all (one query)."""
    from django.db.models import Q

    year = year or today().year
    first, last = year_bounds(year)
    totals = HoursRecord.objects.filter(person_id=person_id).aggregate(
        total=Sum("hours"), year=Sum("hours", filter=Q(served_on__gte=first, served_on__lte=last))
    )
    return {
        "year": year,
        "hours_year": totals["year"] or Decimal("0"),
        "hours_total": totals["total"] or Decimal("0"),
    }
