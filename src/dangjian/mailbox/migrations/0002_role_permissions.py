"""Give the built-in roles of existing databases the mailbox permissions (see mailbox.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

STAFF = ["view_message", "change_message", "view_mailbox"]
EVERYTHING = [*STAFF, "assign_message", "add_mailbox", "change_mailbox"]


class Migration(migrations.Migration):
    dependencies = [
        ("mailbox", "0001_mailbox"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "mailbox",
            {"org_department_admin": EVERYTHING, "org_secretary": EVERYTHING, "org_staff": STAFF},
        )
    ]
