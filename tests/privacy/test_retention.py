"""Retention: the nightly purge anonymizes contact data kept past its period, only that, in
batches, and a second run changes nothing; ``purge_personal_data --dry-run`` only counts."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.personal import MOBILE, lookup_hash
from dangjian.core.scheduler import registered_jobs
from dangjian.portal.models import PhoneVerification
from dangjian.privacy.services import purge_past_retention
from dangjian.service.models import ServiceRequest
from tests.service.conftest import at, file_request, resolved_request

pytestmark = pytest.mark.django_db

NOW = at("2026-12-01 03:00")


@pytest.fixture
def requests(world, service_world, secretary_a, handler_a1):
    """Two requests resolved four years ago, one resolved last month, one still open."""
    old = [
        resolved_request(world, service_world, secretary_a, handler_a1, now=at("2022-03-02 09:00"))
        for _ in range(2)
    ]
    recent = resolved_request(world, service_world, secretary_a, handler_a1, now=at("2026-11-02 09:00"))
    still_open = file_request(world, service_world.garbage, now=at("2022-03-02 09:00"))
    ServiceRequest.objects.update(contact_name="刘桂兰", address="幸福路8号")
    return old, recent, still_open


def _contact(request_obj) -> tuple:
    request_obj.refresh_from_db()
    return (request_obj.contact_name, request_obj.contact_phone_masked, request_obj.address)


def test_the_purge_anonymizes_only_contact_data_past_retention_and_a_second_run_changes_nothing(requests):
    old, recent, still_open = requests
    counts = purge_past_retention(now=NOW, batch=1)
    assert counts["service.requests"] == 2
    for request_obj in old:
        assert _contact(request_obj) == ("", "", "")
        assert request_obj.state == "resolved" and request_obj.description  # the row and its figures stay
    assert _contact(recent)[0] == "刘桂兰"
    assert _contact(still_open)[0] == "刘桂兰"
    purge_lines = AuditEntry.objects.filter(action=AuditAction.UPDATE, username="系统", object_id="")
    assert [line.changes["rows"]["service.requests"] for line in purge_lines] == [2]
    again = purge_past_retention(now=NOW, batch=1)
    assert again["service.requests"] == 0
    assert _contact(recent)[0] == "刘桂兰"
    assert purge_lines.count() == 1  # nothing changed, nothing written


def test_a_dry_run_counts_and_changes_nothing(requests):
    old, _recent, _still_open = requests
    out = io.StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "service.requests: would anonymize 2" in out.getvalue()
    assert _contact(old[0])[0] == "刘桂兰"
    call_command("purge_personal_data", stdout=out)
    assert _contact(old[0])[0] == ""


def test_a_retention_period_set_in_the_settings_replaces_the_default(settings, requests):
    _old, recent, _still_open = requests
    settings.PRIVACY_RETENTION_DAYS = {"service.requests": 10}
    assert purge_past_retention(now=NOW)["service.requests"] == 3
    assert _contact(recent)[0] == ""


def test_old_phone_verifications_are_deleted_and_recent_ones_kept(db):
    digest = lookup_hash(MOBILE, "13911112222")
    for days in (40, 2):
        sent = NOW - datetime.timedelta(days=days)
        PhoneVerification.objects.create(
            phone_hash=digest,
            code_hash="x" * 64,
            created_at=sent,
            expires_at=sent + datetime.timedelta(minutes=5),
        )
    assert purge_past_retention(now=NOW)["portal.verifications"] == 1
    assert PhoneVerification.objects.count() == 1


def test_the_purge_is_a_daily_periodic_job():
    jobs = {job.name: job for job in registered_jobs()}
    job = next(job for name, job in jobs.items() if name.endswith("purge_personal_data"))
    assert job.every == datetime.timedelta(days=1)
