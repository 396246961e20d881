"""Give existing built-in roles the tiny app's permission (a fresh database gets it when the
roles are seeded from the registry's role_permissions after migrate)."""

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("tinyapp", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "tinyapp", {"org_department_admin": ["view_note"], "org_secretary": ["view_note"]}
        )
    ]
