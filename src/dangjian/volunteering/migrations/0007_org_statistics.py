"""Planner statistics wide enough for every recording organization (see ``core.planner``)."""

from django.db import migrations

from dangjian.core.planner import widen_org_statistics


class Migration(migrations.Migration):
    dependencies = [("volunteering", "0006_wish_photo")]

    operations = [
        widen_org_statistics(
            [
                "volunteering_volunteer",
                "volunteering_need",
                "volunteering_wish",
                "volunteering_team",
                "volunteering_project",
                "volunteering_resource",
            ]
        )
    ]
