"""The audit log is append-only: in Python on every database, and in the database on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry


@pytest.fixture
def entry(db) -> AuditEntry:
    return audit.record(AuditAction.EXPORT, note="导出党员名册", username="secretary_a")


def test_audit_entry_cannot_be_changed_or_deleted_through_the_model(entry):
    entry.note = "改过的说明"
    with pytest.raises(PermissionError, match="只能追加"):
        entry.save()
    with pytest.raises(PermissionError, match="只能追加"):
        entry.delete()
    with pytest.raises(PermissionError, match="只能追加"):
        AuditEntry.objects.filter(pk=entry.pk).update(note="x")
    with pytest.raises(PermissionError, match="只能追加"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).note == "导出党员名册"


def test_raw_sql_cannot_rewrite_the_audit_log_on_postgresql(entry):
    """On PostgreSQL a trigger refuses raw UPDATE and DELETE; SQLite relies on the model alone."""
    table = AuditEntry._meta.db_table
    if connection.vendor == "postgresql":
        for statement in (
            f"UPDATE {table} SET note = 'x' WHERE id = %s",
            f"DELETE FROM {table} WHERE id = %s",
        ):
            with (
                pytest.raises(DatabaseError, match="审计日志只能追加"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement, [entry.pk])
        assert AuditEntry.objects.get(pk=entry.pk).note == "导出党员名册"
    else:
        assert connection.vendor == "sqlite"
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            assert cursor.fetchall() == []
        # The guard there is the model, which every application path goes through.
        with pytest.raises(PermissionError):
            AuditEntry.objects.all().delete()


def test_new_entries_can_still_be_appended_under_the_guard(entry):
    audit.record(AuditAction.LOGIN, username="secretary_a")
    assert AuditEntry.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_flushing_a_test_database_still_works_with_the_guard():
    """TRUNCATE is not blocked, so transactional tests can flush the table between tests."""
    audit.record(AuditAction.LOGIN, username="secretary_a")
    assert AuditEntry.objects.count() == 1
