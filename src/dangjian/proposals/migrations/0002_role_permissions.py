"""Give the built-in roles of existing databases the proposal permissions (see proposals.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

STAFF = ["view_proposal", "change_proposal"]
ALL = [*STAFF, "change_threshold"]


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0001_proposals"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "proposals", {"org_department_admin": ALL, "org_secretary": ALL, "org_staff": STAFF}
        )
    ]
