"""Give the built-in roles of existing databases the 示范点 permissions (see demonstration.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

EVERYTHING = [
    "view_standardset",
    "add_standardset",
    "change_standardset",
    "view_application",
    "add_application",
    "change_application",
    "review_application",
    "view_designation",
    "add_designation",
    "change_designation",
]
APPLICANT = ["view_standardset", "view_application", "add_application", "change_application", "view_designation"]
READER = ["view_standardset", "view_application", "view_designation"]


class Migration(migrations.Migration):
    dependencies = [
        ("demonstration", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "demonstration",
            {"org_department_admin": EVERYTHING, "org_secretary": APPLICANT, "org_staff": READER},
        )
    ]
