"""Give the built-in roles of existing databases the activities permissions (see accounts.roles)
and seed the default point rules of the 时间银行 (10 points per confirmed hour, at most 80 per
record, for every kind of service; admins change them)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

MODELS = ["activity", "signup", "hoursrecord", "certificate", "rewarditem", "redemption"]
EVERYTHING = [f"{action}_{model}" for model in MODELS for action in ["view", "add", "change"]]
STAFF = [
    "view_activity",
    "add_activity",
    "change_activity",
    "view_signup",
    "view_hoursrecord",
    "add_hoursrecord",
    "view_certificate",
    "change_certificate",
    "view_rewarditem",
    "view_redemption",
]
SOURCES = ["activity", "dual_reporting", "manual"]


def seed_rules(apps, schema_editor):
    PointRule = apps.get_model("activities", "PointRule")
    for source in SOURCES:
        PointRule.objects.get_or_create(source=source, defaults={"points_per_hour": 10, "max_points_per_record": 80})


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_activities"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "activities",
            {"org_department_admin": EVERYTHING, "org_secretary": EVERYTHING, "org_staff": STAFF},
        ),
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
    ]
