"""The one hours ledger: 双报到 service posts to it, corrections leave a trace, and the 志愿服务记录证明
lists what the recording organization recorded (谁记录谁证明)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.activities.choices import CertificateState, HoursSource
from dangjian.activities.models import HoursRecord, PointAccount
from dangjian.activities.services import ledger
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.dual_reporting import services as dual_services
from dangjian.dual_reporting.models import ServiceLog
from tests.activities.helpers import record_at, volunteer
from tests.dual_reporting.helpers import member_login, report_in_a


def _confirmed_log(world, secretary_a, *, hours="3", description="为独居老人代购"):
    report = report_in_a(world)
    log = ServiceLog.objects.create(
        report=report,
        served_on=timezone.localdate() - datetime.timedelta(days=2),
        hours=hours,
        description=description,
    )
    return dual_services.confirm_log(log, by=secretary_a)


def test_a_confirmed_dual_reporting_log_is_in_the_members_hours(world, secretary_a):
    log = _confirmed_log(world, secretary_a)
    record = HoursRecord.objects.get(service_log=log)
    assert record.person_id == log.report.member.person_id
    assert record.source == HoursSource.DUAL_REPORTING
    assert record.org == world.org_a  # the community's party organization recorded it
    assert record.hours == Decimal("3")
    totals = ledger.person_totals(record.person_id)
    assert totals["hours_year"] == Decimal("3") and totals["hours_total"] == Decimal("3")
    assert PointAccount.objects.get(person_id=record.person_id).balance == 30


def test_a_dual_reporting_record_appears_in_the_members_certificate(world, secretary_a):
    log = _confirmed_log(world, secretary_a)
    member_user = member_login(log.report.member, "member_b")
    certificate = ledger.request_certificate(by=member_user, org=world.org_a, purpose="评优")
    issued = ledger.issue_certificate(certificate, by=secretary_a)
    assert issued.state == CertificateState.ISSUED
    assert issued.number
    assert issued.total_hours == Decimal("3.0")
    assert [row["content"] for row in issued.records] == ["为独居老人代购"]


def test_posting_a_log_twice_writes_one_record(world, secretary_a):
    log = _confirmed_log(world, secretary_a)
    ledger.post_service_log(log)
    assert HoursRecord.objects.filter(service_log=log).count() == 1


def test_a_unit_log_under_a_pairing_is_not_a_persons_hours(world, secretary_a):
    from tests.dual_reporting.helpers import pairing_in_a

    log = ServiceLog.objects.create(
        pairing=pairing_in_a(world), served_on=timezone.localdate(), hours=4, description="义诊"
    )
    dual_services.confirm_log(log, by=secretary_a)
    assert not HoursRecord.objects.exists()


def test_a_correction_is_a_new_record_with_reason_and_who(world, secretary_a):
    person = volunteer().person
    original = record_at(world.org_a, person, hours=Decimal("3"))
    correction = ledger.correct_hours(original, by=secretary_a, hours="2", reason="含往返路程一小时")
    original.refresh_from_db()
    assert original.hours == Decimal("3")  # never overwritten
    assert correction.corrects == original
    assert correction.hours == Decimal("-1")
    assert correction.confirmed_by == secretary_a
    assert ledger.effective_hours(original) == Decimal("2")
    assert ledger.person_totals(person.pk)["hours_total"] == Decimal("2")
    assert AuditEntry.objects.filter(
        object_type="activities.hoursrecord", object_id=str(correction.pk), note="含往返路程一小时"
    ).exists()


def test_a_correction_needs_a_reason(world, secretary_a):
    original = record_at(world.org_a, volunteer().person)
    with pytest.raises(RuleViolation) as refused:
        ledger.correct_hours(original, by=secretary_a, hours="1", reason="  ")
    assert refused.value.rule == "reason_required"


def test_a_correction_made_on_a_stale_page_is_refused(world, secretary_a):
    original = record_at(world.org_a, volunteer().person, hours=Decimal("3"))
    ledger.correct_hours(original, by=secretary_a, hours="2", reason="更正", effective="3")
    with pytest.raises(ConcurrentChange):
        ledger.correct_hours(original, by=secretary_a, hours="1", reason="再更正", effective="3")


def test_only_the_recording_organization_corrects(world, secretary_b):
    original = record_at(world.org_a, volunteer().person)
    with pytest.raises(PermissionDenied):
        ledger.correct_hours(original, by=secretary_b, hours="1", reason="更正")


def test_the_certificate_lists_corrected_hours_and_only_that_organizations_records(world, secretary_a):
    user = volunteer()
    original = record_at(world.org_a, user.person, hours=Decimal("3"), content="清扫楼道")
    record_at(world.org_b, user.person, hours=Decimal("5"), content="光明社区义诊")
    ledger.correct_hours(original, by=secretary_a, hours="2", reason="扣除路程")
    issued = ledger.issue_certificate(ledger.request_certificate(by=user, org=world.org_a), by=secretary_a)
    assert issued.total_hours == Decimal("2.0")
    assert [(row["content"], row["hours"], row["corrected"]) for row in issued.records] == [
        ("清扫楼道", "2.0", True)
    ]


def test_a_certificate_is_asked_only_of_an_organization_that_recorded_service(world):
    user = volunteer()
    with pytest.raises(RuleViolation) as refused:
        ledger.request_certificate(by=user, org=world.org_b)
    assert refused.value.rule == "nothing_recorded"


def test_one_open_request_per_organization(world):
    user = volunteer()
    record_at(world.org_a, user.person)
    ledger.request_certificate(by=user, org=world.org_a)
    with pytest.raises(RuleViolation) as refused:
        ledger.request_certificate(by=user, org=world.org_a)
    assert refused.value.rule == "one_open_request"


def test_another_organization_cannot_issue(world, secretary_b):
    user = volunteer()
    record_at(world.org_a, user.person)
    certificate = ledger.request_certificate(by=user, org=world.org_a)
    with pytest.raises(PermissionDenied):
        ledger.issue_certificate(certificate, by=secretary_b)


def test_staff_enter_hours_not_in_the_future(world, secretary_a):
    person = volunteer().person
    with pytest.raises(RuleViolation) as refused:
        ledger.record_hours(
            by=secretary_a,
            person=person,
            org=world.org_a,
            served_on=timezone.localdate() + datetime.timedelta(days=1),
            content="x",
            hours=1,
        )
    assert refused.value.rule == "future_date"
    record = ledger.record_hours(
        by=secretary_a,
        person=person,
        org=world.org_a,
        served_on=timezone.localdate(),
        content="助残",
        hours="1.5",
    )
    assert record.source == HoursSource.MANUAL
