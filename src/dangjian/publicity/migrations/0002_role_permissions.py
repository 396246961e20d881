"""Give the built-in roles of existing databases the announcement permissions (see publicity.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

ALL = ["view_announcement", "add_announcement", "change_announcement"]


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0001_publicity"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "publicity", {"org_department_admin": ALL, "org_secretary": ALL, "org_staff": ALL}
        )
    ]
