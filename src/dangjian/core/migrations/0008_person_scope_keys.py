"""``Person.scope_keys``: where people are placed, copied onto the row (see ``core.person_scope``).

The column is filled by the members app's migration that follows (the records that place people
are that app's). On PostgreSQL a GIN index on ``to_tsvector('simple', scope_keys)`` lets a
scoped list test one indexed column; it is created after the fill, by that migration. SQLite
adds a column by rebuilding the table, which loses the full-text index's triggers: they are
installed again here.
"""

from django.db import migrations, models

from dangjian.core.search import install_search_index


def reinstall_search_index(apps, schema_editor):
    """SQLite adds the column by rebuilding the table, which drops the full-text triggers."""
    install_search_index(schema_editor, "core_person")


class Migration(migrations.Migration):
    dependencies = [("core", "0007_person_sort_index_and_position_tokens")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="scope_keys",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(reinstall_search_index, migrations.RunPython.noop),
    ]
