"""Give the built-in roles of existing databases the meeting permissions.

A fresh database gets them when the built-in roles are seeded after migrate (``accounts.roles``);
a database whose roles already exist would otherwise never see them, since seeding never
overwrites a role. Permissions are created here first because Django only creates them after
all migrations have run.
"""

from __future__ import annotations

from django.db import migrations

LIFE_PERMISSIONS = {
    "org_department_admin": ["add_meeting", "change_meeting", "view_meeting"],
    "org_secretary": ["add_meeting", "change_meeting", "view_meeting"],
    "org_staff": ["add_meeting", "change_meeting", "view_meeting"],
}


def add_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("life")
    app_config.models_module = True  # create_permissions skips apps without models_module
    create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
    Permission = apps.get_model("auth", "Permission")
    Role = apps.get_model("accounts", "Role")
    for code, codenames in LIFE_PERMISSIONS.items():
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None:
            continue
        permissions = Permission.objects.filter(content_type__app_label="life", codename__in=codenames)
        role.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("life", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
