"""The database connection lost in the middle of a ledger import, a member transfer and a
request transition (issue 15, point 11): nothing half-written, a clear answer in the reader's
language (503 with ``Retry-After``, never a 500 trace), and the same action retried succeeds."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dangjian.core.choices import AuditAction
from dangjian.core.errors import RETRY_AFTER_SECONDS
from dangjian.core.models import AuditEntry, Person
from dangjian.members import imports as member_imports
from dangjian.members import services as member_services
from dangjian.members.choices import TransferState
from dangjian.members.models import PartyMember
from dangjian.service.choices import RequestState
from dangjian.service.models import RequestEvent, ServiceRequest
from dangjian.service.services import common as service_common
from tests.faults.conftest import drop_once_in
from tests.members.ledger_data import sheet_row, workbook_bytes
from tests.members.transfers import member_in, open_transfer
from tests.service.conftest import file_request

pytestmark = pytest.mark.django_db(transaction=True)


def _unavailable_message() -> str:
    with translation.override("zh-hans"):
        return translation.gettext(
            "The database could not be reached, so nothing was saved. Please try again in a moment."
        )


def _client(user) -> Client:
    client = Client(raise_request_exception=False)  # as in production: the error page, not the test's raise
    client.force_login(user)
    return client


def _assert_unavailable_page(response) -> None:
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert _unavailable_message() in page and '<html lang="zh-hans">' in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_a_connection_lost_in_the_middle_of_a_ledger_import_saves_nothing_and_the_retry_imports(
    settings, world, secretary_a, drop_connection, monkeypatch
):
    settings.DEBUG = False
    client = _client(secretary_a)
    upload = io.BytesIO(workbook_bytes([sheet_row(1), sheet_row(2), sheet_row(3)]))
    upload.name = "采集表.xlsx"
    token = client.post(reverse("members:member_import"), {"file": upload}).context["token"]
    # After the people and members are written, before their scope keys and the audit line.
    drop_once_in(monkeypatch, member_imports, "refresh_scope_keys", drop_connection)

    response = client.post(reverse("members:member_import"), {"token": token})

    _assert_unavailable_page(response)
    assert not PartyMember.objects.exists() and not Person.objects.filter(name__startswith="党员").exists()
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()
    # The kept upload is still there: the same confirmation imports it.
    response = client.post(reverse("members:member_import"), {"token": token})
    assert response.status_code == 200 and response.context["report"].committed
    assert PartyMember.objects.count() == 3
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1


def test_a_connection_lost_in_the_middle_of_a_transfer_moves_nobody_and_the_retry_moves_the_member(
    settings, world, secretary_a, drop_connection, monkeypatch
):
    settings.DEBUG = False
    member = member_in(world.branch_b1)
    transfer = open_transfer(member, world.branch_a1)
    client = _client(secretary_a)  # (signing in writes its own audit line)
    audit_lines = AuditEntry.objects.count()
    # After the member has moved, before the letter is closed and the lines are written.
    drop_once_in(monkeypatch, member_services, "_close", drop_connection)

    response = client.post(reverse("members:transfer_accept", args=[transfer.pk]), {"note": "欢迎"})

    _assert_unavailable_page(response)
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.org == world.branch_b1 and member.version == transfer.member_version
    assert transfer.state == TransferState.INITIATED
    assert AuditEntry.objects.count() == audit_lines
    response = client.post(reverse("members:transfer_accept", args=[transfer.pk]), {"note": "欢迎"})
    assert response.status_code == 302
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.org == world.branch_a1 and transfer.state == TransferState.ACCEPTED
    assert AuditEntry.objects.filter(object_type="members.partymember", action=AuditAction.MOVE).count() == 1


def test_a_connection_lost_in_the_middle_of_a_request_transition_changes_nothing_and_the_retry_applies(
    settings, world, service_world, secretary_a, drop_connection, monkeypatch
):
    settings.DEBUG = False
    request_obj = file_request(world, service_world.garbage)
    version, events = request_obj.version, RequestEvent.objects.filter(request=request_obj).count()
    client = _client(secretary_a)  # (signing in writes its own audit line)
    audit_lines = AuditEntry.objects.count()
    url = reverse("api:service_request_action", args=[request_obj.pk, "accept"])
    # After the conditional update of the state and the figures' rollup, before the timeline event.
    drop_once_in(monkeypatch, service_common, "_event", drop_connection)

    response = client.post(url, {"version": version, "note": ""}, content_type="application/json")

    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["detail"] == _unavailable_message()
    current = ServiceRequest.objects.get(pk=request_obj.pk)
    assert current.state == RequestState.REPORTED and current.version == version
    assert RequestEvent.objects.filter(request=request_obj).count() == events
    assert AuditEntry.objects.count() == audit_lines
    # The client retries with the version it saw: the transition applies once.
    response = client.post(url, {"version": version, "note": ""}, content_type="application/json")
    assert response.status_code == 200, response.content
    current.refresh_from_db()
    assert current.state == RequestState.ACCEPTED and current.version == version + 1
    assert RequestEvent.objects.filter(request=request_obj, action="accept").count() == 1
