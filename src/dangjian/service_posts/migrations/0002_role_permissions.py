"""Give the built-in roles of existing databases the service-post permissions (see service_posts.roles).

party_member gets only ``claim_post``: a member claims a post for themself and reads their own
claims by identity; the claims of others need the staff permissions.
"""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

STAFF = [
    "view_post",
    "view_postclaim",
    "change_postclaim",
    "view_agreement",
    "view_residentnote",
    "change_residentnote",
]
EVERYTHING = [*STAFF, "add_post", "change_post"]


class Migration(migrations.Migration):
    dependencies = [
        ("service_posts", "0001_service_posts"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "service_posts",
            {
                "org_department_admin": EVERYTHING,
                "org_secretary": EVERYTHING,
                "org_staff": STAFF,
                "party_member": ["claim_post"],
            },
        )
    ]
