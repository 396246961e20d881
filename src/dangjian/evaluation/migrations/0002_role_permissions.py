"""Give the built-in roles of existing databases the 评星定级 permissions (see evaluation.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

# Frozen copies of evaluation.roles as of this migration.
ADMIN = ['view_ratingscheme', 'view_ratinground', 'view_assessment', 'view_objection', 'view_orgstarrecord', 'view_rectification', 'add_ratingscheme', 'change_ratingscheme', 'add_ratinground', 'change_ratinground', 'change_assessment', 'review_assessment', 'change_objection', 'change_rectification']
SECRETARY = ['view_ratinground', 'view_assessment', 'change_assessment', 'view_objection', 'view_orgstarrecord', 'view_rectification', 'change_rectification']
STAFF = ['view_ratinground', 'view_assessment', 'view_orgstarrecord', 'view_rectification']


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_schemes_rounds_stars"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "evaluation",
            {"org_department_admin": ADMIN, "org_secretary": SECRETARY, "org_staff": STAFF},
        )
    ]
