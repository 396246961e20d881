"""Make the audit log append-only in the database itself on PostgreSQL.

The model already refuses updates and deletes in Python; this trigger refuses them from raw SQL
too. TRUNCATE stays possible (test databases are flushed with it; an operator purging the log on
purpose needs table ownership anyway). SQLite gets nothing: its flush deletes row by row.
"""

from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除（% on core_auditentry）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry",
    """
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry",
    "DROP FUNCTION IF EXISTS core_auditentry_append_only()",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            # params=None: the statement holds a literal % that must not be taken as a placeholder.
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_seed_calendar")]
    operations = [migrations.RunPython(forwards, backwards)]
