"""Drop the single-column index of ``Person.name_pinyin``: ``core_person_sort_idx`` (name_pinyin,
id) serves every read by name, and with both PostgreSQL took the smaller one for a surname's page
and sorted the whole range (see ``Person.name_pinyin``).

The indexes are dropped by name instead of through ``AlterField``: on SQLite an ``AlterField``
rebuilds the table, and the rebuild drops the triggers that keep the name search's FTS table
(``core.search.install_search_index``) in step, so new people were no longer found by name.
"""

from django.db import migrations, models

SINGLE = "core_person_name_pinyin_e4e7f95d"
PATTERN = "core_person_name_pinyin_e4e7f95d_like"


def drop_indexes(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{PATTERN}"')
    schema_editor.execute(f'DROP INDEX IF EXISTS "{SINGLE}"')


def create_indexes(apps, schema_editor):
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{SINGLE}" ON "core_person" ("name_pinyin")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{PATTERN}" ON "core_person" ("name_pinyin" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_notice_channels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="name_pinyin",
                    field=models.CharField(
                        blank=True, default="", max_length=255, verbose_name="pinyin sort key"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]
