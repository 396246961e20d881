"""Seed the default meeting cadences (DOMAIN.md) and give built-in roles the new permissions.

The cadences are data so a region can edit them in the admin; this only writes a kind's rule
when none exists, so running it on a database with edited rules changes nothing.
"""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

BRANCHES = ["branch", "joint_branch", "temporary_branch"]

DEFAULT_CADENCES = [
    # (meeting kind, organization kinds, period, minimum per period)
    ("branch_general", BRANCHES, "quarter", 1),
    ("committee", BRANCHES, "month", 1),
    ("group", ["group"], "month", 1),
    ("lecture", BRANCHES, "quarter", 1),
    ("theme_day", BRANCHES, "month", 1),
    ("life_meeting", BRANCHES, "year", 1),
    ("democratic_review", BRANCHES, "year", 1),
]

NEW_PERMISSIONS = [
    "view_cadencerule",
    "add_democraticreview",
    "change_democraticreview",
    "view_democraticreview",
    "add_meetingattachment",
    "delete_meetingattachment",
    "view_meetingattachment",
]


def seed_cadences(apps, schema_editor):
    CadenceRule = apps.get_model("life", "CadenceRule")
    for kind, org_kinds, period, minimum in DEFAULT_CADENCES:
        CadenceRule.objects.get_or_create(
            kind=kind, defaults={"org_kinds": org_kinds, "period": period, "minimum_count": minimum}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("life", "0003_cadences_reviews_attachments"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed_cadences, migrations.RunPython.noop),
        grant_builtin_permissions(
            "life",
            {
                "org_department_admin": NEW_PERMISSIONS,
                "org_secretary": NEW_PERMISSIONS,
                "org_staff": NEW_PERMISSIONS,
            },
        ),
    ]
