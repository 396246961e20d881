"""Planner statistics wide enough for every recording organization (see ``core.planner``)."""

from django.db import migrations

from dangjian.core.planner import default_statistics, widen_statistics

TABLES = [
    "volunteering_volunteer",
    "volunteering_need",
    "volunteering_wish",
    "volunteering_team",
    "volunteering_project",
    "volunteering_resource",
]


def widen(apps, schema_editor):
    for table in TABLES:
        widen_statistics(schema_editor, table, "org_id")


def restore(apps, schema_editor):
    for table in TABLES:
        default_statistics(schema_editor, table, "org_id")


class Migration(migrations.Migration):
    dependencies = [("volunteering", "0006_wish_photo")]

    operations = [migrations.RunPython(widen, restore, elidable=False)]
