"""Transfers (组织关系转接) within the system: initiate, accept, return, expire, and the races."""

from __future__ import annotations

import datetime
import importlib
import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import Role
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.core.scheduler import registered_jobs
from dangjian.members import services
from dangjian.members.choices import TransferState
from dangjian.members.models import PartyMember, Transfer
from dangjian.members.tasks import expire_overdue_transfers
from dangjian.orgs.choices import OrgKind
from tests.factories import UserFactory, add_org, assign
from tests.members.transfers import member_in, open_transfer, second_branch_b

SQLITE_LOCK_ATTEMPTS = 1000


def _count(org) -> int:
    return PartyMember.objects.filter(org=org, is_active=True).count()


# --- Initiating ------------------------------------------------------------------------------


def test_secretary_initiates_a_letter_numbered_by_year_and_valid_for_ninety_days(world, secretary_a):
    member = member_in(world.branch_a1)

    transfer = services.initiate_transfer(member, to_org=world.branch_b1, by=secretary_a, reason="搬家")

    today = timezone.localdate()
    assert transfer.letter_number == f"ZJ{today.year}-000001"
    assert transfer.state == TransferState.INITIATED
    assert transfer.from_org == world.branch_a1
    assert transfer.valid_until == today + datetime.timedelta(days=90)
    assert transfer.member_version == member.version
    assert AuditEntry.objects.filter(object_type="members.transfer", object_id=str(transfer.pk)).exists()
    second = services.initiate_transfer(
        member_in(world.branch_a1, "王芳"), to_org=world.branch_b1, by=secretary_a
    )
    assert second.letter_number == f"ZJ{today.year}-000002"


@override_settings(TRANSFER_VALID_DAYS=30)
def test_validity_follows_the_setting(world, secretary_a):
    transfer = services.initiate_transfer(member_in(world.branch_a1), to_org=world.branch_b1, by=secretary_a)

    assert transfer.valid_until == timezone.localdate() + datetime.timedelta(days=30)


def test_a_member_has_at_most_one_open_transfer(world, secretary_a):
    member = member_in(world.branch_a1)
    first = services.initiate_transfer(member, to_org=world.branch_b1, by=secretary_a)

    with pytest.raises(RuleViolation) as refused:
        services.initiate_transfer(member, to_org=second_branch_b(world), by=secretary_a)

    assert refused.value.rule == "transfer_one_open"
    assert first.letter_number in refused.value.message


def test_transfer_to_a_committee_or_a_deactivated_or_the_same_org_is_refused(world, secretary_a):
    member = member_in(world.branch_a1)
    closed = add_org(world.org_b, "已撤销支部", "B-CLOSED", OrgKind.BRANCH, is_active=False)

    for target, rule in [
        (world.org_b, "transfer_to_branch"),
        (closed, "transfer_inactive_org"),
        (world.branch_a1, "transfer_same_org"),
    ]:
        with pytest.raises(RuleViolation) as refused:
            services.initiate_transfer(member, to_org=target, by=secretary_a)
        assert refused.value.rule == rule
        assert refused.value.field == "to_org"
    assert not Transfer.objects.exists()


def test_secretary_cannot_initiate_for_a_member_of_another_community(world, secretary_a):
    with pytest.raises(PermissionDenied):
        services.initiate_transfer(member_in(world.branch_b1), to_org=world.branch_a1, by=secretary_a)


# --- Accepting -------------------------------------------------------------------------------


def test_accepting_moves_the_member_and_both_counts_and_is_audited(world, secretary_a, secretary_b):
    member = member_in(world.branch_b1)
    transfer = services.initiate_transfer(member, to_org=world.branch_a1, by=secretary_b)
    assert (_count(world.branch_b1), _count(world.branch_a1)) == (1, 0)

    accepted = services.accept_transfer(transfer, by=secretary_a, note="欢迎")

    member.refresh_from_db()
    assert accepted.state == TransferState.ACCEPTED
    assert accepted.decided_by == secretary_a
    assert member.org == world.branch_a1
    assert member.version == transfer.member_version + 1
    assert (_count(world.branch_b1), _count(world.branch_a1)) == (0, 1)
    move = AuditEntry.objects.get(object_type="members.partymember", object_id=str(member.pk), action="move")
    assert move.changes == {"org": [world.branch_b1.name, world.branch_a1.name]}
    assert transfer.letter_number in move.note
    assert AuditEntry.objects.filter(
        object_type="members.transfer", object_id=str(transfer.pk), action="update"
    ).exists()


def test_accept_is_one_transaction_nothing_moves_when_the_audit_fails(world, secretary_a, monkeypatch):
    member = member_in(world.branch_b1)
    transfer = open_transfer(member, world.branch_a1)
    from dangjian.core import audit

    calls = []

    def failing_record(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("audit store unavailable")
        return original(*args, **kwargs)

    original = audit.record
    monkeypatch.setattr(audit, "record", failing_record)

    with pytest.raises(RuntimeError):
        services.accept_transfer(transfer, by=secretary_a)

    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.org == world.branch_b1
    assert transfer.state == TransferState.INITIATED


def test_only_the_receiving_side_may_accept(world, secretary_b):
    transfer = open_transfer(member_in(world.branch_b1), world.branch_a1)

    with pytest.raises(PermissionDenied):
        services.accept_transfer(transfer, by=secretary_b)


@pytest.mark.parametrize("state", [TransferState.RETURNED, TransferState.EXPIRED, TransferState.ACCEPTED])
def test_a_decided_letter_cannot_be_accepted(world, secretary_a, state):
    transfer = open_transfer(member_in(world.branch_b1), world.branch_a1)
    Transfer.objects.filter(pk=transfer.pk).update(state=state)

    with pytest.raises(RuleViolation) as refused:
        services.accept_transfer(transfer, by=secretary_a)

    assert refused.value.rule == "transfer_not_open"
    assert transfer.letter_number in refused.value.message
    assert PartyMember.objects.get(pk=transfer.member_id).org == world.branch_b1


def test_a_letter_past_its_validity_is_refused_even_before_the_expiry_task_ran(world, secretary_a):
    transfer = open_transfer(member_in(world.branch_b1), world.branch_a1)
    Transfer.objects.filter(pk=transfer.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )

    with pytest.raises(RuleViolation) as refused:
        services.accept_transfer(transfer, by=secretary_a)

    assert refused.value.rule == "transfer_expired"
    assert transfer.letter_number in refused.value.message


def test_transfer_is_refused_when_member_changed_meanwhile(world, secretary_a, secretary_b):
    member = member_in(world.branch_b1)
    transfer = services.initiate_transfer(member, to_org=world.branch_a1, by=secretary_b)
    # Another service changed the member after the letter was issued.
    PartyMember.objects.filter(pk=member.pk).update(version=member.version + 1, status="probationary")

    with pytest.raises(RuleViolation) as refused:
        services.accept_transfer(transfer, by=secretary_a)

    assert refused.value.rule == "transfer_member_changed"
    assert transfer.letter_number in refused.value.message
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.org == world.branch_b1
    assert transfer.state == TransferState.INITIATED


def _accept_in_thread(transfer_pk: int, user, barrier: threading.Barrier, results: list) -> None:
    try:
        barrier.wait(timeout=10)
        for _attempt in range(SQLITE_LOCK_ATTEMPTS):
            try:
                services.accept_transfer(Transfer.objects.get(pk=transfer_pk), by=user)
            except OperationalError as error:
                # The SQLite test database is in memory with a shared cache, where a held lock
                # answers "table is locked" at once instead of waiting out busy_timeout as the
                # file database does in production: wait here, as the busy handler would.
                if connection.vendor != "sqlite" or "locked" not in str(error):
                    raise
                time.sleep(0.01)
            else:
                results.append("accepted")
                return
        results.append("still locked")
    except RuleViolation as error:
        results.append(error)
    except Exception as error:  # anything else is reported by the assertions of the test
        results.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_acceptances_move_the_member_once(world, secretary_a):
    """Each thread has its own connection; PostgreSQL makes the second wait on the row lock,
    SQLite on the database write lock, and either way the second finds the letter decided."""
    other_secretary = UserFactory(username="secretary_a2")
    assign(other_secretary, BuiltinRole.ORG_SECRETARY, world.org_a)
    member = member_in(world.branch_b1)
    transfer = open_transfer(member, world.branch_a1)
    barrier = threading.Barrier(2)
    results: list = []
    threads = [
        threading.Thread(target=_accept_in_thread, args=(transfer.pk, user, barrier, results))
        for user in (secretary_a, other_secretary)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results.count("accepted") == 1, results
    refusals = [result for result in results if result != "accepted"]
    assert len(refusals) == 1 and isinstance(refusals[0], RuleViolation), results
    assert refusals[0].rule == "transfer_not_open"
    member.refresh_from_db()
    assert member.org == world.branch_a1
    assert member.version == 2
    assert AuditEntry.objects.filter(object_type="members.partymember", action="move").count() == 1


# --- Returning and expiring --------------------------------------------------------------------


def test_returning_needs_a_reason_and_leaves_the_member(world, secretary_a):
    transfer = open_transfer(member_in(world.branch_b1), world.branch_a1)

    with pytest.raises(RuleViolation) as refused:
        services.return_transfer(transfer, by=secretary_a, reason="  ")
    assert refused.value.field == "reason"

    returned = services.return_transfer(transfer, by=secretary_a, reason="查无此人")

    assert returned.state == TransferState.RETURNED
    assert returned.decision_note == "查无此人"
    assert PartyMember.objects.get(pk=transfer.member_id).org == world.branch_b1


def test_the_sending_side_cannot_return_its_own_letter(world, secretary_b):
    transfer = open_transfer(member_in(world.branch_b1), world.branch_a1)

    with pytest.raises(PermissionDenied):
        services.return_transfer(transfer, by=secretary_b, reason="撤回")


def test_expiry_marks_overdue_letters_once_and_is_idempotent(world):
    overdue = open_transfer(member_in(world.branch_b1), world.branch_a1)
    current = open_transfer(member_in(world.branch_b1, "李娜"), world.branch_a1)
    today = timezone.localdate()
    Transfer.objects.filter(pk=overdue.pk).update(valid_until=today - datetime.timedelta(days=1))

    assert services.expire_transfers(today) == 1
    assert services.expire_transfers(today) == 0

    overdue.refresh_from_db()
    current.refresh_from_db()
    assert overdue.state == TransferState.EXPIRED
    assert current.state == TransferState.INITIATED
    assert AuditEntry.objects.filter(object_type="members.transfer", object_id=str(overdue.pk)).count() == 1


def test_expiry_runs_daily_on_the_scheduler(world):
    jobs = {job.name: job for job in registered_jobs()}

    assert jobs["dangjian.members.tasks.expire_overdue_transfers"].every == datetime.timedelta(days=1)
    assert expire_overdue_transfers.call() == 0


def test_built_in_roles_carry_the_transfer_permissions(db):
    def codenames(code):
        return set(Role.objects.get(code=code).permissions.values_list("codename", flat=True))

    assert {"add_transfer", "change_transfer", "view_transfer"} <= codenames(BuiltinRole.ORG_SECRETARY)
    assert {"add_transfer", "change_transfer", "view_transfer"} <= codenames(BuiltinRole.ORG_DEPARTMENT_ADMIN)
    staff = codenames(BuiltinRole.ORG_STAFF)
    assert "view_transfer" in staff and "change_transfer" not in staff


def test_the_migration_adds_the_permissions_to_roles_seeded_before_it(db):
    from django.apps import apps
    from django.contrib.auth.models import Permission

    migration = importlib.import_module("dangjian.members.migrations.0002_transfer")
    secretary = Role.objects.get(code=BuiltinRole.ORG_SECRETARY)
    secretary.permissions.remove(*Permission.objects.filter(codename__endswith="_transfer"))

    migration.add_transfer_permissions(apps, None)

    codenames = set(secretary.permissions.values_list("codename", flat=True))
    assert {"add_transfer", "change_transfer", "view_transfer"} <= codenames


# --- Pages -----------------------------------------------------------------------------------


def test_list_shows_incoming_and_outgoing_letters_of_the_scope_only(client, world, secretary_a):
    incoming = open_transfer(member_in(world.branch_b1, "王芳"), world.branch_a1)
    outgoing = open_transfer(member_in(world.branch_a1, "刘洋"), world.branch_b1)
    elsewhere = open_transfer(member_in(world.branch_b1, "陈静"), second_branch_b(world))
    client.force_login(secretary_a)

    page = client.get(reverse("members:transfer_list")).content.decode()
    assert incoming.letter_number in page and outgoing.letter_number in page
    assert elsewhere.letter_number not in page

    page = client.get(reverse("members:transfer_list"), {"direction": "in"}).content.decode()
    assert incoming.letter_number in page and outgoing.letter_number not in page

    Transfer.objects.filter(pk=outgoing.pk).update(state=TransferState.RETURNED)
    page = client.get(reverse("members:transfer_list"), {"state": "returned"}).content.decode()
    assert outgoing.letter_number in page and incoming.letter_number not in page


def _list_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:transfer_list"))
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_list_query_count_is_the_same_for_3_and_30_letters(client, world, secretary_a):
    client.force_login(secretary_a)
    for index in range(3):
        open_transfer(member_in(world.branch_b1, f"成员{index}"), world.branch_a1)
    with_three = _list_queries(client)
    for index in range(3, 30):
        open_transfer(member_in(world.branch_b1, f"成员{index}"), world.branch_a1)

    with_thirty = _list_queries(client)

    assert len(with_thirty) == len(with_three), with_thirty


def test_secretary_finds_the_target_by_search_and_issues_the_letter(client, world, secretary_a):
    member = member_in(world.branch_a1)
    client.force_login(secretary_a)
    url = reverse("members:transfer_create", kwargs={"member_pk": member.pk})

    search = client.get(url, {"q": "光明"}).content.decode()
    assert world.branch_b1.name in search
    assert world.org_b.name not in search  # a committee holds no members

    response = client.post(url, {"to_org": world.branch_b1.pk, "reason": "搬家"})

    transfer = Transfer.objects.get(member=member)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:transfer_detail", kwargs={"pk": transfer.pk})
    assert transfer.to_org == world.branch_b1


def test_accept_page_shows_the_refusal_on_a_stale_letter(client, world, secretary_a):
    member = member_in(world.branch_b1)
    transfer = open_transfer(member, world.branch_a1)
    PartyMember.objects.filter(pk=member.pk).update(version=5)
    client.force_login(secretary_a)

    response = client.post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk}), {"note": ""})

    assert response.status_code == 200
    assert f"转接函 {transfer.letter_number} 开具后" in response.content.decode()
    assert PartyMember.objects.get(pk=member.pk).org == world.branch_b1


def test_api_accepts_and_refuses_the_second_time(client, world, secretary_a):
    transfer = open_transfer(member_in(world.branch_b1), world.branch_a1)
    client.force_login(secretary_a)
    url = reverse("api:transfer_accept", kwargs={"id": transfer.pk})

    first = client.post(url, {}, content_type="application/json")
    second = client.post(url, {}, content_type="application/json")

    assert first.status_code == 200
    assert first.json()["state"] == "accepted"
    assert second.status_code == 400
    assert second.json()["rule"] == "transfer_not_open"
