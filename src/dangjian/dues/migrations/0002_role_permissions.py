"""Give the built-in roles of existing databases the dues permissions (see accounts.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

MODELS = ["duessetting", "duesdeclaration", "duespayment", "duesreduction"]
MANAGE = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
STAFF = [*(f"view_{model}" for model in MODELS), "add_duespayment"]


class Migration(migrations.Migration):
    dependencies = [
        ("dues", "0001_dues"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "dues",
            {"org_department_admin": MANAGE, "org_secretary": MANAGE, "org_staff": STAFF},
        )
    ]
