"""Give the built-in roles of existing databases the election permissions (see accounts.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

MANAGE = ["add_election", "change_election", "view_election"]


class Migration(migrations.Migration):
    dependencies = [
        ("elections", "0001_election"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "elections",
            {"org_department_admin": MANAGE, "org_secretary": MANAGE, "org_staff": ["view_election"]},
        )
    ]
