"""Give the built-in roles of existing databases the online party school's permissions (see learning.roles)."""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

EVERYTHING = [
    "view_course",
    "add_course",
    "change_course",
    "view_studyplan",
    "add_studyplan",
    "change_studyplan",
    "view_studyrecord",
]
READER = ["view_course", "view_studyplan", "view_studyrecord"]


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_courses_lessons_quizzes_study_plans"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "learning",
            {"org_department_admin": EVERYTHING, "org_secretary": EVERYTHING, "org_staff": READER},
        )
    ]
