"""Give the built-in roles of existing databases the 双报到 permissions (see accounts.roles).

party_member gets only ``report_self``: a member reports themself (and claims and logs on their
own report) by identity; viewing the reports of others needs the staff permissions.
"""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

EVERYTHING = [
    f"{action}_{model}"
    for model in ["memberreport", "unitpairing", "claim", "servicelog", "yearlyfeedback"]
    for action in ["view", "add", "change"]
]
STAFF = [
    "view_memberreport",
    "view_unitpairing",
    "view_claim",
    "view_servicelog",
    "view_yearlyfeedback",
    "add_memberreport",
    "add_claim",
    "change_claim",
    "add_servicelog",
    "change_servicelog",
]


class Migration(migrations.Migration):
    dependencies = [
        ("dual_reporting", "0001_dual_reporting"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "dual_reporting",
            {
                "org_department_admin": EVERYTHING,
                "org_secretary": EVERYTHING,
                "org_staff": STAFF,
                "party_member": ["report_self"],
            },
        )
    ]
