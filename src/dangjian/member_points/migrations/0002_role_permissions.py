"""Give the built-in roles of existing databases the 党员积分 permissions (see member_points.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

ADMIN = ["view_pointrule", "add_pointrule", "change_pointrule", "view_pointentry", "add_pointentry"]
SECRETARY = ADMIN
STAFF = ["view_pointrule", "view_pointentry"]


class Migration(migrations.Migration):
    dependencies = [
        ("member_points", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "member_points",
            {"org_department_admin": ADMIN, "org_secretary": SECRETARY, "org_staff": STAFF},
        )
    ]
