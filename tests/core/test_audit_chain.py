"""The audit log is tamper-evident: the worker seals entries into a hash chain, and the check
finds a changed, deleted or slipped-in entry and a changed or removed seal (issue 15 point 9).

Someone with database access is simulated with raw SQL; on PostgreSQL they first switch off the
append-only trigger, as a table owner can.
"""

from __future__ import annotations

import datetime
import threading
import time
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from dangjian.core import audit, audit_chain, scheduler
from dangjian.core.audit_chain import GENESIS_HASH, link_hash, seal_pending, verify_chain
from dangjian.core.choices import AuditAction
from dangjian.core.management.commands import verify_audit_chain as verify_command
from dangjian.core.models import AuditEntry, AuditSeal, AuditSealer
from dangjian.core.tasks import seal_audit_log

ENTRY_TABLE = AuditEntry._meta.db_table
SEAL_TABLE = AuditSeal._meta.db_table


def write_entries(count: int) -> list[AuditEntry]:
    """Lines as a request writes them: with a request id, a client address and JSON changes."""
    token = audit.current_request.set(audit.RequestContext(request_id="req-1", ip="2001:db8::1"))
    try:
        return [
            audit.record(
                AuditAction.UPDATE,
                username="secretary_a",
                note=f"第 {number} 次修改党员信息",
                changes={"mobile": ["138****0001", "139****0002"], "count": number, "ratio": 0.5},
                object_repr="张*",
            )
            for number in range(count)
        ]
    finally:
        audit.current_request.reset(token)


def db_time(value: datetime.datetime):
    """A time as the database stores it, for raw SQL."""
    return connection.ops.adapt_datetimefield_value(value)


@contextmanager
def with_database_access(table: str):
    """A cursor of someone holding the database's owner password: on PostgreSQL the table's
    append-only trigger is switched off for the statement (inside the test's transaction)."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        try:
            yield cursor
        finally:
            if postgresql:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def check(*args: str) -> str:
    """Run the command; its output (it raises CommandError on a break)."""
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


def kinds(report) -> list[tuple[str, int | None]]:
    return [(found.kind, found.entry_id) for found in report.breaks]


def test_the_chain_covers_every_field_of_an_audit_entry():
    """A field added to AuditEntry without a new chain scheme would go unprotected."""
    fields = {field.attname for field in AuditEntry._meta.concrete_fields}
    assert fields == set(audit_chain.CHAINED_FIELDS)


def test_sealing_links_every_entry_to_the_one_before_in_id_order(db):
    entries = write_entries(3)

    assert seal_pending() == 3

    seals = list(AuditSeal.objects.order_by("index"))
    assert [(seal.index, seal.entry_id) for seal in seals] == [
        (1, entries[0].pk),
        (2, entries[1].pk),
        (3, entries[2].pk),
    ]
    previous = GENESIS_HASH
    for seal in seals:
        values = AuditEntry.objects.filter(pk=seal.entry_id).values(*audit_chain.CHAINED_FIELDS).get()
        assert seal.hash == link_hash(previous, values)
        previous = seal.hash


def test_sealing_again_with_nothing_new_changes_nothing(db):
    write_entries(3)
    seal_pending()
    before = list(AuditSeal.objects.values_list("index", "entry_id", "hash"))

    assert seal_pending() == 0
    assert seal_pending() == 0

    assert list(AuditSeal.objects.values_list("index", "entry_id", "hash")) == before


def test_sealing_is_incremental_and_continues_the_chain(db):
    write_entries(3)
    seal_pending()
    head = AuditSeal.objects.get(index=3)
    later = write_entries(2)

    assert seal_pending() == 2

    fourth = AuditSeal.objects.get(index=4)
    assert fourth.entry_id == later[0].pk
    values = AuditEntry.objects.filter(pk=later[0].pk).values(*audit_chain.CHAINED_FIELDS).get()
    assert fourth.hash == link_hash(head.hash, values)
    assert AuditSeal.objects.count() == 5
    assert verify_chain().intact


def test_a_run_seals_in_batches_and_stops_at_its_limit(db):
    write_entries(7)

    assert seal_pending(batch_size=3, limit=5) == 5
    assert seal_pending(batch_size=3) == 2

    assert list(AuditSeal.objects.values_list("index", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    assert verify_chain().intact


def test_an_entry_committed_after_later_ones_were_sealed_gets_a_later_seal(db):
    """Entry ids are taken when a line is written, not when its transaction commits: a line
    of a slow transaction appears below lines already sealed, and is sealed next time."""
    first = audit.record(AuditAction.LOGIN, username="grid_worker_a")
    AuditEntry.objects.bulk_create(
        [AuditEntry(id=first.pk + 2, action=AuditAction.LOGIN, username="resident")]
    )
    seal_pending()
    AuditEntry.objects.bulk_create(
        [AuditEntry(id=first.pk + 1, action=AuditAction.EXPORT, username="secretary_a")]
    )

    assert seal_pending() == 1

    assert list(AuditSeal.objects.values_list("index", "entry_id")) == [
        (1, first.pk),
        (2, first.pk + 2),
        (3, first.pk + 1),
    ]
    report = verify_chain()
    assert report.intact and report.pending == 0


def test_a_valid_chain_passes_the_check_and_prints_its_head(db):
    write_entries(4)
    seal_pending()
    head = AuditSeal.objects.get(index=4)

    output = check()

    assert f"HEAD 4:{head.hash}" in output
    assert verify_chain().intact


def test_the_check_counts_entries_not_yet_sealed_without_failing(db):
    write_entries(2)
    seal_pending()
    write_entries(3)

    report = verify_chain()
    output = check()

    assert report.intact
    assert report.pending == 3 and report.oldest_pending_at is not None
    assert "3" in output


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("note", "第 1 次修改党员信息（已篡改）"),
        ("username", "someone_else"),
        ("ip", "2001:db8::2"),
        ("changes", '{"mobile": ["138****0001", "139****0002"], "count": 99, "ratio": 0.5}'),
        ("at", None),
    ],
)
def test_a_modified_entry_is_detected_with_its_id(db, column, value):
    entries = write_entries(5)
    seal_pending()
    changed = entries[2]
    if column == "at":
        value = db_time(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    with with_database_access(ENTRY_TABLE) as cursor:
        cursor.execute(f"UPDATE {ENTRY_TABLE} SET {column} = %s WHERE id = %s", [value, changed.pk])

    report = verify_chain()

    assert kinds(report) == [("entry_changed", changed.pk)]
    assert report.breaks[0].index == 3
    with pytest.raises(CommandError, match=f"#{changed.pk}"):
        check()


def test_a_modified_latest_entry_is_detected_with_its_id(db):
    entries = write_entries(3)
    seal_pending()
    with with_database_access(ENTRY_TABLE) as cursor:
        cursor.execute(f"UPDATE {ENTRY_TABLE} SET note = %s WHERE id = %s", ["改过", entries[2].pk])

    report = verify_chain()

    assert kinds(report) == [("entry_changed", entries[2].pk)]
    assert report.breaks[0].index == 3


def test_a_deleted_entry_is_detected(db):
    entries = write_entries(4)
    seal_pending()
    with with_database_access(ENTRY_TABLE) as cursor:
        cursor.execute(f"DELETE FROM {ENTRY_TABLE} WHERE id = %s", [entries[1].pk])

    report = verify_chain()

    assert kinds(report) == [("entry_deleted", entries[1].pk)]
    with pytest.raises(CommandError, match=f"#{entries[1].pk}"):
        check()


def test_a_changed_seal_is_detected(db):
    write_entries(4)
    seal_pending()
    with with_database_access(SEAL_TABLE) as cursor:
        cursor.execute(f'UPDATE {SEAL_TABLE} SET hash = %s WHERE "index" = %s', ["f" * 64, 2])

    report = verify_chain()

    assert [(found.kind, found.index) for found in report.breaks] == [("seal_changed", 2)]


def test_a_removed_seal_is_detected(db):
    entries = write_entries(4)
    seal_pending()
    with with_database_access(SEAL_TABLE) as cursor:
        cursor.execute(f'DELETE FROM {SEAL_TABLE} WHERE "index" = %s', [2])

    report = verify_chain()

    assert kinds(report) == [("seal_removed", None)]
    assert report.breaks[0].index == 2
    # The sealer may seal the orphaned entry again at the end; the gap stays in the chain.
    seal_pending()
    assert AuditSeal.objects.get(entry_id=entries[1].pk).index == 5
    assert kinds(verify_chain()) == [("seal_removed", None)]


def test_an_entry_slipped_in_below_the_sealed_range_with_an_old_time_is_reported(db):
    first = audit.record(AuditAction.LOGIN, username="grid_worker_a")
    AuditEntry.objects.bulk_create(
        [AuditEntry(id=first.pk + 10, action=AuditAction.LOGIN, username="resident")]
    )
    seal_pending()
    AuditSealer.objects.filter(pk=1).update(last_run_at=timezone.now() - datetime.timedelta(minutes=5))
    forged = AuditEntry(id=first.pk + 5, action=AuditAction.UPDATE, username="secretary_b", note="补记")
    AuditEntry.objects.bulk_create([forged])
    with with_database_access(ENTRY_TABLE) as cursor:
        cursor.execute(
            f"UPDATE {ENTRY_TABLE} SET at = %s WHERE id = %s",
            [db_time(timezone.now() - datetime.timedelta(days=30)), forged.pk],
        )

    assert seal_pending() == 0
    report = verify_chain()

    assert kinds(report) == [("entry_unsealed", forged.pk)]
    assert report.pending == 0


def test_a_chain_cut_at_its_end_is_caught_only_against_a_head_written_down_earlier(db):
    write_entries(4)
    seal_pending()
    head = AuditSeal.objects.get(index=4)
    with with_database_access(SEAL_TABLE) as cursor:
        cursor.execute(f'DELETE FROM {SEAL_TABLE} WHERE "index" >= %s', [3])
    with with_database_access(ENTRY_TABLE) as cursor:
        cursor.execute(f"DELETE FROM {ENTRY_TABLE} WHERE id IN (%s, %s)", [head.entry_id, head.entry_id - 1])

    # By itself the shortened chain holds: this is what the head kept elsewhere is for.
    assert verify_chain().intact
    report = verify_chain(expect=[(4, head.hash)])

    assert [(found.kind, found.index) for found in report.breaks] == [("anchor_mismatch", 4)]
    with pytest.raises(CommandError):
        check("--expect", f"4:{head.hash}")


def test_the_check_accepts_the_head_it_printed(db):
    write_entries(2)
    seal_pending()
    head_line = next(line for line in check().splitlines() if line.startswith("HEAD "))
    write_entries(2)
    seal_pending()

    assert "HEAD 4:" in check("--expect", head_line.removeprefix("HEAD "))


def test_the_check_refuses_an_anchor_that_is_not_position_and_hash(db):
    with pytest.raises(CommandError, match="--expect"):
        check("--expect", "latest")
    with pytest.raises(CommandError, match="--expect"):
        check("--expect", "4:abc")


@pytest.mark.django_db(transaction=True)  # the command closes the connection when it ends
def test_the_check_exits_non_zero_on_a_break():
    entries = write_entries(2)
    seal_pending()
    with with_database_access(ENTRY_TABLE) as cursor:
        cursor.execute(f"UPDATE {ENTRY_TABLE} SET note = 'x' WHERE id = %s", [entries[0].pk])

    with pytest.raises(SystemExit) as exit_info:
        # As from the shell (system checks skipped: they are not what this test is about).
        verify_command.Command().run_from_argv(["dangjian", "verify_audit_chain", "--skip-checks"])

    assert exit_info.value.code == 1


def test_seals_cannot_be_changed_or_deleted_through_the_model(db):
    write_entries(1)
    seal_pending()
    seal = AuditSeal.objects.get()
    seal.hash = "0" * 64
    with pytest.raises(PermissionError, match="只能追加"):
        seal.save()
    with pytest.raises(PermissionError, match="只能追加"):
        seal.delete()
    with pytest.raises(PermissionError, match="只能追加"):
        AuditSeal.objects.update(hash="x")
    with pytest.raises(PermissionError, match="只能追加"):
        AuditSeal.objects.all().delete()


def test_raw_sql_cannot_change_a_seal_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    write_entries(1)
    seal_pending()
    for statement in (f"UPDATE {SEAL_TABLE} SET hash = 'x'", f"DELETE FROM {SEAL_TABLE}"):
        with (
            pytest.raises(DatabaseError, match="审计链封印只能追加"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditSeal.objects.count() == 1


def test_the_sealer_is_a_periodic_job_of_the_worker(db):
    jobs = {job.name: job for job in scheduler.registered_jobs()}

    assert jobs["dangjian.core.tasks.seal_audit_log"].every == datetime.timedelta(minutes=5)
    write_entries(2)
    assert seal_audit_log.call() == 2
    assert seal_audit_log.call() == 0


def test_sealing_and_checking_ten_thousand_entries_takes_few_queries(
    db, django_assert_max_num_queries, capsys
):
    """The figures are printed (run with -s); STYLE.md rule 18: no wall-clock assertion here."""
    AuditEntry.objects.bulk_create(
        AuditEntry(action=AuditAction.UPDATE, username="secretary_a", note=f"第 {n} 行", changes={"n": n})
        for n in range(10_000)
    )
    batches = 10_000 // audit_chain.BATCH_SIZE + 1

    started = time.perf_counter()
    with django_assert_max_num_queries(batches * 15 + 5):
        assert seal_pending() == 10_000
    sealed_in = time.perf_counter() - started
    started = time.perf_counter()
    with django_assert_max_num_queries(batches * 2 + 10):
        report = verify_chain()
    checked_in = time.perf_counter() - started

    assert report.intact and report.sealed == 10_000
    with capsys.disabled():
        print(
            f"\n[{connection.vendor}] sealed 10,000 audit entries in {sealed_in:.2f} s, checked in {checked_in:.2f} s"
        )


# --- concurrency (PostgreSQL: row locks; the SQLite test database serializes every writer) ----


def _in_thread(target, results: list, *args) -> threading.Thread:
    def run():
        try:
            results.append(target(*args))
        except Exception as error:  # surfaces in the test's assertions
            results.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_writers_never_wait_for_the_sealer():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever the design")
    write_entries(1)
    seal_pending()
    holding, release = threading.Event(), threading.Event()

    def hold_the_sealer_lock():
        with transaction.atomic():
            AuditSealer.objects.select_for_update().get(pk=1)
            holding.set()
            release.wait(timeout=30)
        return "released"

    results: list = []
    holder = _in_thread(hold_the_sealer_lock, results)
    assert holding.wait(timeout=30)
    try:
        started = time.perf_counter()
        with transaction.atomic():
            audit.record(AuditAction.CREATE, username="resident", note="报名志愿活动")
        waited = time.perf_counter() - started
    finally:
        release.set()
        holder.join(timeout=30)

    assert results == ["released"]
    assert waited < 5  # a writer blocked by the lock would wait the full 30 s
    assert seal_pending() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_seal_each_entry_once():
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database answers 'locked' at once instead of waiting")
    write_entries(300)
    barrier = threading.Barrier(2)

    def seal():
        barrier.wait(timeout=30)
        return seal_pending(batch_size=50)

    results: list = []
    threads = [_in_thread(seal, results) for _ in range(2)]
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(result, int) for result in results) and sum(results) == 300, results
    assert list(AuditSeal.objects.values_list("index", flat=True)) == list(range(1, 301))
    assert verify_chain().intact
