"""Planner statistics wide enough for every recording organization (see ``core.planner``)."""

from django.db import migrations

from dangjian.core.planner import widen_org_statistics


class Migration(migrations.Migration):
    dependencies = [("activities", "0005_service_record_entries")]

    operations = [widen_org_statistics(["activities_activity", "activities_rewarditem"])]
