"""The member ledger: indexes of its filters, and the ledger permissions of the built-in roles.

``ensure_builtin_roles`` only seeds roles that do not exist yet, so databases created before
this migration get ``add_partymember`` / ``change_partymember`` here.
"""

from django.db import migrations, models

from dangjian.accounts.roles import grant_builtin_permissions

# Kept here rather than imported from accounts.roles: a migration must not change when the code does.
LEDGER_PERMISSIONS = {
    "org_department_admin": ["add_partymember", "change_partymember"],
    "org_secretary": ["add_partymember", "change_partymember"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0006_notification"),
        ("members", "0003_ledger_fields_external_transfers"),
        ("orgs", "0002_tree_search_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="partymember",
            index=models.Index(fields=["regularized_on"], name="members_member_regular_idx"),
        ),
        migrations.AddIndex(
            model_name="partymember",
            index=models.Index(
                condition=models.Q(("is_lost_contact", True)), fields=["org"], name="members_member_lost_idx"
            ),
        ),
        grant_builtin_permissions("members", LEDGER_PERMISSIONS),
    ]
