"""Index people by (pinyin sort key, id) and add the anchor token to their search tokens.

The anchor (``c0`` + the first syllable of the sort key, see ``core.search``) lets a search for
a common surname read one range of the new index instead of walking all of it. On PostgreSQL
the tokens are extended in one UPDATE with the GIN index dropped and rebuilt around it (faster
than maintaining it row by row for a district's 700,000 people); elsewhere they are recomputed.
"""

from django.db import migrations, models

from dangjian.core.search import install_search_index, remove_search_index, search_tokens

ANCHOR_SQL = (
    "UPDATE core_person SET search_tokens = search_tokens || ' c0' || split_part(name_pinyin, ' ', 1) "
    "WHERE split_part(name_pinyin, ' ', 1) ~ '^[a-z]+$' AND position(' c0' in ' ' || search_tokens) = 0"
)


def add_anchor_tokens(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        remove_search_index(schema_editor, "core_person")
        schema_editor.execute(ANCHOR_SQL)
        install_search_index(schema_editor, "core_person")
        return
    Person = apps.get_model("core", "Person")
    batch = []
    for person in Person.objects.only("pk", "name", "search_tokens").iterator(chunk_size=2000):
        tokens = search_tokens(names=(person.name,))
        if tokens != person.search_tokens:
            person.search_tokens = tokens
            batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["search_tokens"])
            batch = []
    Person.objects.bulk_update(batch, ["search_tokens"])


def remove_anchor_tokens(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE core_person SET search_tokens = "
            "trim(regexp_replace(' ' || search_tokens || ' ', ' c0[a-z]+ ', ' ', 'g')) "
            "WHERE position(' c0' in ' ' || search_tokens) > 0"
        )
        return
    Person = apps.get_model("core", "Person")
    for person in Person.objects.filter(search_tokens__contains="c0").only("pk", "search_tokens"):
        person.search_tokens = " ".join(t for t in person.search_tokens.split() if not t.startswith("c0"))
        person.save(update_fields=["search_tokens"])


class Migration(migrations.Migration):
    dependencies = [("core", "0006_notification")]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_pinyin", "id"], name="core_person_sort_idx"),
        ),
        migrations.RunPython(add_anchor_tokens, remove_anchor_tokens),
    ]
