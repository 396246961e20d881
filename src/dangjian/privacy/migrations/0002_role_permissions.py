"""Give the built-in roles of existing databases the privacy permissions (see privacy.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

EVERYTHING = ["export_personal_data", "erase_personal_data", "view_erasurerequest", "add_erasurerequest"]


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_erasure_request"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions("privacy", {"org_department_admin": EVERYTHING, "org_secretary": EVERYTHING})
    ]
