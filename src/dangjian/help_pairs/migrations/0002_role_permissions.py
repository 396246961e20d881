"""Give the built-in roles of existing databases the 帮扶对子 permissions (see help_pairs.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

EVERYTHING = [f"{action}_{model}" for model in ["helppair", "visit"] for action in ["view", "add", "change"]]
STAFF = ["view_helppair", "view_visit", "add_visit", "change_visit"]


class Migration(migrations.Migration):
    dependencies = [
        ("help_pairs", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "help_pairs",
            {
                "org_department_admin": EVERYTHING,
                "org_secretary": EVERYTHING,
                "org_staff": STAFF,
                "party_member": ["log_own_visit"],
            },
        )
    ]
