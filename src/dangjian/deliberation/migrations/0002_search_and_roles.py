"""The topics' search index (core.search) and the deliberation permissions of the built-in roles
of existing databases (see deliberation.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions
from dangjian.core.search import search_index_operation

STAFF = ["view_topic", "add_topic", "change_topic", "change_comment"]


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0001_deliberation"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        search_index_operation("deliberation_topic"),
        grant_builtin_permissions(
            "deliberation",
            {
                "org_department_admin": STAFF,
                "org_secretary": STAFF,
                "org_staff": STAFF,
                "party_member": ["raise_topic"],
            },
        ),
    ]
