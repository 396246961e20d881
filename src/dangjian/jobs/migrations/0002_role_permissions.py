"""Give the built-in roles of existing databases the 就业 permissions (see jobs.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

EVERYTHING = [
    f"{action}_{model}"
    for model in ["jobposting", "jobseeker", "placement", "trainingsession", "trainingattendance"]
    for action in ["view", "add", "change"]
]


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "jobs",
            {"org_department_admin": EVERYTHING, "org_secretary": EVERYTHING, "org_staff": EVERYTHING},
        )
    ]
