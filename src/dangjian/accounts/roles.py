"""The built-in roles and their permissions, created after migrations if missing.

Admins may edit a built-in role's permissions afterwards; seeding never overwrites them.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.registry import registry

# What accounts and core grant; every other app registers its own from its ``apps.py`` (each
# app's ``roles.py``), so a new app never edits this file.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: [
        "core.view_person",
        "core.reveal_personal_data",
        "core.view_auditentry",
        "accounts.view_roleassignment",
        "accounts.add_roleassignment",
        "accounts.change_roleassignment",
    ],
    BuiltinRole.ORG_SECRETARY: ["core.view_person", "core.reveal_personal_data"],
    BuiltinRole.ORG_STAFF: ["core.view_person"],
    BuiltinRole.GRID_WORKER: ["core.view_person"],
}


def builtin_role_permissions() -> dict[str, set[str]]:
    """Every built-in role's permission names, assembled from what the installed apps registered.

    The system administrator is global and holds every permission without a list; the resident
    holds none.
    """
    store = registry["role_permissions"]
    return {str(code): set(store.get(str(code), ())) for code in BuiltinRole.values}


def ensure_builtin_roles(**kwargs) -> None:
    """post_migrate handler: create missing built-in roles (idempotent).

    Runs its work only on the signal of the last installed app with models, when every app's
    permissions exist.
    """
    from django.apps import apps
    from django.contrib.auth.models import Permission

    app_config = kwargs.get("app_config")
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config is not with_models[-1]:
        return

    from dangjian.accounts.models import Role

    # Stored names are in the platform's default language (management commands run untranslated).
    with translation.override(settings.LANGUAGE_CODE):
        _create_missing_roles(Permission, Role)


def _create_missing_roles(Permission, Role) -> None:
    for code, label in BuiltinRole.choices:
        role, created = Role.objects.get_or_create(
            code=code,
            defaults={"name": str(label), "is_builtin": True, "is_global": code == BuiltinRole.SYSTEM_ADMIN},
        )
        if not created:
            continue
        for name in sorted(builtin_role_permissions()[code]):
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                role.permissions.add(permission)


def grant_builtin_permissions(app_label: str, codenames_by_role: dict[str, list[str]]):
    """A migration operation giving existing built-in roles new permissions of ``app_label``.

    A fresh database gets them when the built-in roles are seeded after migrate; a database whose
    roles exist already would never see them, since seeding never overwrites a role. Use it in an
    app's migration right after the models are created::

        operations = [..., grant_builtin_permissions("dues", {"org_secretary": ["view_duespayment"]})]

    The migration must depend on ``("accounts", "0001_initial")``,
    ``("auth", "0012_alter_user_first_name_max_length")`` and
    ``("contenttypes", "0002_remove_content_type_name")``.
    """
    from django.db import migrations

    def add_permissions(apps, schema_editor):
        from django.contrib.auth.management import create_permissions

        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # create_permissions skips apps without models_module
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        Permission = apps.get_model("auth", "Permission")
        Role = apps.get_model("accounts", "Role")
        for code, codenames in codenames_by_role.items():
            role = Role.objects.filter(code=code, is_builtin=True).first()
            if role is None:
                continue
            role.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )

    return migrations.RunPython(add_permissions, migrations.RunPython.noop)
