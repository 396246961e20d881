"""The audit chain: seals over the audit log, append-only on PostgreSQL like the log (0004).

The trigger refuses UPDATE and DELETE of a seal from any client; TRUNCATE stays possible for the
same reasons as in 0004 (test databases are flushed with it). SQLite gets nothing: its flush
deletes row by row, and the model refuses changes there.
"""

from django.db import migrations, models

CREATE = [
    """
CREATE OR REPLACE FUNCTION core_auditseal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计链封印只能追加，不能修改或删除（% on core_auditseal）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
""",
    "DROP TRIGGER IF EXISTS core_auditseal_append_only ON core_auditseal",
    """
CREATE TRIGGER core_auditseal_append_only
    BEFORE UPDATE OR DELETE ON core_auditseal
    FOR EACH ROW EXECUTE FUNCTION core_auditseal_append_only()
""",
]

DROP = [
    "DROP TRIGGER IF EXISTS core_auditseal_append_only ON core_auditseal",
    "DROP FUNCTION IF EXISTS core_auditseal_append_only()",
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

    dependencies = [
        ('core', '0009_notice_audience_and_reads'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditSealer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_run_at', models.DateTimeField(blank=True, null=True, verbose_name='last sealed at')),
            ],
            options={
                'verbose_name': 'audit sealer',
                'verbose_name_plural': 'audit sealer',
                'ordering': ['pk'],
            },
        ),
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('index', models.PositiveBigIntegerField(verbose_name='position in the chain')),
                ('entry_id', models.BigIntegerField(verbose_name='audit entry ID')),
                ('hash', models.CharField(max_length=64, verbose_name='hash')),
                ('sealed_at', models.DateTimeField(verbose_name='sealed at')),
            ],
            options={
                'verbose_name': 'audit seal',
                'verbose_name_plural': 'audit seals',
                'ordering': ['index'],
                'constraints': [models.UniqueConstraint(fields=('index',), name='core_auditseal_one_per_index'), models.UniqueConstraint(fields=('entry_id',), name='core_auditseal_one_per_entry')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
