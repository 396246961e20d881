"""Index people by (pinyin sort key, id) and add the position tokens to their search tokens.

The anchor (``c0`` + the first syllable of the sort key) and the ``c1`` tokens of characters
outside the head (see ``core.search``) let a search for a common surname read one range of the
new index plus a few other matches, instead of walking all of it. The tokens are recomputed in
Python (繁→简 and surname readings are not SQL), once per distinct name. On PostgreSQL the GIN
index is dropped and rebuilt around the update (faster than maintaining it row by row for a
district's 700,000 people) and the table analysed so the planner knows the new tokens.
"""

from django.db import migrations, models

from dangjian.core.search import install_search_index, remove_search_index, search_tokens

BATCH = 5000


def _recompute(apps, schema_editor, tokens_of):
    connection = schema_editor.connection
    Person = apps.get_model("core", "Person")
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        remove_search_index(schema_editor, "core_person")
    cache: dict[str, str] = {}
    last = 0
    while True:
        rows = list(
            Person.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "name", "search_tokens")[:BATCH]
        )
        if not rows:
            break
        last = rows[-1][0]
        changed = []
        for pk, name, old in rows:
            new = cache.get(name)
            if new is None:
                new = cache[name] = tokens_of(name)
            if new != old:
                changed.append((pk, new))
        if not changed:
            continue
        with connection.cursor() as cursor:
            if postgresql:
                values = ", ".join(["(%s, %s)"] * len(changed))
                cursor.execute(
                    f"UPDATE core_person AS p SET search_tokens = v.t FROM (VALUES {values}) AS v(id, t) "
                    "WHERE p.id = v.id",
                    [item for pair in changed for item in pair],
                )
            else:
                cursor.executemany(
                    "UPDATE core_person SET search_tokens = %s WHERE id = %s", [(t, pk) for pk, t in changed]
                )
    if postgresql:
        install_search_index(schema_editor, "core_person")
        schema_editor.execute("ANALYZE core_person")


def add_position_tokens(apps, schema_editor):
    _recompute(apps, schema_editor, lambda name: search_tokens(names=(name,)))


def remove_position_tokens(apps, schema_editor):
    def without(name: str) -> str:
        return " ".join(t for t in search_tokens(names=(name,)).split() if not t.startswith(("c0", "c1")))

    _recompute(apps, schema_editor, without)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_notification")]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_pinyin", "id"], name="core_person_sort_idx"),
        ),
        migrations.RunPython(add_position_tokens, remove_position_tokens),
    ]
