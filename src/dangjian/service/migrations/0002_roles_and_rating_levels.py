"""Give existing built-in roles the service permissions, and seed the five 好差评 levels."""

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions
from dangjian.service.roles import (
    SERVICE_CONFIGURE,
    SERVICE_DISPATCH,
    SERVICE_REGISTER,
    SERVICE_SUPERVISE,
    SERVICE_VIEW,
)


def codenames(names):
    return [name.split(".", 1)[1] for name in names if name.startswith("service.")]


# 好差评: five levels; the bottom two are 差评 (DOMAIN.md). Names are stored in Chinese, the
# platform's default language; admins may rename or add levels.
LEVELS = [
    ("very_satisfied", "非常满意", 1, False),
    ("satisfied", "满意", 2, False),
    ("fairly_satisfied", "基本满意", 3, False),
    ("dissatisfied", "不满意", 4, True),
    ("very_dissatisfied", "非常不满意", 5, True),
]


def seed_levels(apps, schema_editor):
    RatingLevel = apps.get_model("service", "RatingLevel")
    for code, name, order, is_bad in LEVELS:
        RatingLevel.objects.get_or_create(code=code, defaults={"name": name, "order": order, "is_bad": is_bad})


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        grant_builtin_permissions(
            "service",
            {
                "org_department_admin": codenames(
                    SERVICE_VIEW + SERVICE_REGISTER + SERVICE_DISPATCH + SERVICE_SUPERVISE + SERVICE_CONFIGURE
                ),
                "org_secretary": codenames(SERVICE_VIEW + SERVICE_REGISTER + SERVICE_DISPATCH + SERVICE_SUPERVISE),
                "org_staff": codenames(SERVICE_VIEW + SERVICE_REGISTER + SERVICE_DISPATCH),
                "grid_worker": codenames(SERVICE_VIEW + SERVICE_REGISTER + ["service.handle_request"]),
                "department_handler": ["view_category", "view_department"],
            },
        ),
        migrations.RunPython(seed_levels, migrations.RunPython.noop),
    ]
