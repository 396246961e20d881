"""Fill ``Person.scope_keys`` from homes, memberships and grid posts, then index it.

The same places as ``members.placements.paths`` (the live code may change later; a migration
reads the historical models): a current home's area, a membership's organization and the area
that organization serves, an active grid post's area. ``core.person_scope.keys_for`` turns them
into one token per ancestor. On PostgreSQL the rows are written in batches of 5,000 with one
``UPDATE … FROM (VALUES …)`` each, the GIN index is built after the fill and the table analysed,
so the planner has the tokens' statistics at once.
"""

from collections import defaultdict

from django.db import migrations

from dangjian.core.person_scope import keys_for

BATCH = 5000
INDEX = "core_person_scope_gin"


def fill(apps, schema_editor):
    connection = schema_editor.connection
    Resident = apps.get_model("members", "Resident")
    PartyMember = apps.get_model("members", "PartyMember")
    GridWorker = apps.get_model("members", "GridWorker")
    places = defaultdict(list)
    for person_id, path in Resident.objects.filter(is_current=True).values_list("person_id", "area__path"):
        places[person_id].append(("area", path))
    for person_id, org_path, area_path in PartyMember.objects.values_list(
        "person_id", "org__path", "org__jurisdiction__path"
    ):
        places[person_id].append(("org", org_path))
        if area_path:
            places[person_id].append(("area", area_path))
    for person_id, path in GridWorker.objects.filter(is_active=True).values_list("person_id", "area__path"):
        places[person_id].append(("area", path))
    rows = [(pk, keys_for(found)) for pk, found in places.items()]
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            if postgresql:
                values = ", ".join(["(%s, %s)"] * len(batch))
                cursor.execute(
                    f"UPDATE core_person AS p SET scope_keys = v.k FROM (VALUES {values}) AS v(id, k) "
                    "WHERE p.id = v.id",
                    [item for pair in batch for item in pair],
                )
            else:
                cursor.executemany(
                    "UPDATE core_person SET scope_keys = %s WHERE id = %s", [(k, pk) for pk, k in batch]
                )
    if postgresql:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON core_person '
            "USING gin (to_tsvector('simple', scope_keys))"
        )
        schema_editor.execute("ANALYZE core_person")


def empty(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')
    apps.get_model("core", "Person").objects.update(scope_keys="")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_rights_restrictions"),
        ("core", "0008_person_scope_keys"),
    ]

    operations = [migrations.RunPython(fill, empty)]
