"""The built-in roles and their permissions, created after migrations if missing.

Admins may edit a built-in role's permissions afterwards; seeding never overwrites them.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from dangjian.accounts.choices import BuiltinRole

VIEW_TREES = ["orgs.view_organization", "orgs.view_area", "orgs.view_committee"]
EDIT_TREES = [
    "orgs.add_organization",
    "orgs.change_organization",
    "orgs.add_area",
    "orgs.change_area",
    "orgs.add_committee",
    "orgs.change_committee",
]
VIEW_PEOPLE = [
    "core.view_person",
    "members.view_resident",
    "members.view_partymember",
    "members.view_gridworker",
]
# Transfers (组织关系转接): existing databases get these from members/0002_transfer.
MANAGE_TRANSFERS = ["members.add_transfer", "members.change_transfer", "members.view_transfer"]
# Member ledger (党员台账): existing databases get these from members/0004_ledger.
MANAGE_MEMBERS = ["members.add_partymember", "members.change_partymember"]
# Meetings (组织生活): existing databases get these from life/0002_role_permissions.
MANAGE_MEETINGS = [
    "life.add_meeting",
    "life.change_meeting",
    "life.view_meeting",
    *(
        f"life.{c}"
        for c in (
            "view_cadencerule",
            "add_democraticreview",
            "change_democraticreview",
            "view_democraticreview",
            "add_meetingattachment",
            "delete_meetingattachment",
            "view_meetingattachment",
        )
    ),
]  # the rest from life/0004
# Development pipeline (发展党员): existing databases get these from development/0002_national_steps.
MANAGE_DEVELOPMENT = [
    "development.add_applicant",
    "development.change_applicant",
    "development.view_applicant",
]
# Elections (换届选举): existing databases get these from elections/0002_role_permissions.
MANAGE_ELECTIONS = ["elections.add_election", "elections.change_election", "elections.view_election"]

# Party dues (党费): existing databases get these from dues/0002_role_permissions.
DUES_MODELS = ["duessetting", "duesdeclaration", "duespayment", "duesreduction"]
MANAGE_DUES = [f"dues.{action}_{model}" for model in DUES_MODELS for action in ("add", "change", "view")]
DUES_STAFF = [*(f"dues.view_{model}" for model in DUES_MODELS), "dues.add_duespayment"]

# 双报到: existing databases get these from dual_reporting/0002_role_permissions. Staff log and
# confirm service; pairings and the yearly feedback are the secretary's. party_member only has
# report_self: a member reports themself by identity and does not see others' reports.
DUAL_REPORTING_MODELS = ["memberreport", "unitpairing", "claim", "servicelog", "yearlyfeedback"]
DUAL_REPORTING_STAFF = [
    *(f"dual_reporting.view_{model}" for model in DUAL_REPORTING_MODELS),
    "dual_reporting.add_memberreport",
    "dual_reporting.add_claim",
    "dual_reporting.change_claim",
    "dual_reporting.add_servicelog",
    "dual_reporting.change_servicelog",
]
DUAL_REPORTING_ALL = [
    f"dual_reporting.{action}_{model}"
    for model in DUAL_REPORTING_MODELS
    for action in ["view", "add", "change"]
]

# Service requests (为民服务): existing databases get these from service/0001_initial.
# Dispatchers (社区/街道) accept, dispatch, review and close; handlers handle what is sent to
# their organization; supervisors 督办 and 吹哨. Department users act through membership.
SERVICE_VIEW = ["service.view_servicerequest", "service.view_category", "service.view_department"]
SERVICE_REGISTER = ["service.add_servicerequest"]
SERVICE_DISPATCH = ["service.dispatch_request", "service.handle_request"]
SERVICE_SUPERVISE = ["service.supervise_request", "service.view_routingrule"]
SERVICE_CONFIGURE = [
    f"service.{action}_{model}"
    for model in ("category", "routingrule", "department", "departmentmember", "ratinglevel")
    for action in ("add", "change", "view")
]

BUILTIN_ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.SYSTEM_ADMIN: [],  # global: holds every permission everywhere
    BuiltinRole.ORG_DEPARTMENT_ADMIN: [
        *VIEW_TREES,
        *EDIT_TREES,
        *VIEW_PEOPLE,
        "core.reveal_personal_data",
        "core.view_auditentry",
        "accounts.view_roleassignment",
        "accounts.add_roleassignment",
        "accounts.change_roleassignment",
        *MANAGE_TRANSFERS,
        *MANAGE_MEMBERS,
        *MANAGE_MEETINGS,
        *MANAGE_ELECTIONS,
        *MANAGE_DEVELOPMENT,
        *DUAL_REPORTING_ALL,
        *MANAGE_DUES,
        *SERVICE_VIEW,
        *SERVICE_REGISTER,
        *SERVICE_DISPATCH,
        *SERVICE_SUPERVISE,
        *SERVICE_CONFIGURE,
    ],
    BuiltinRole.ORG_SECRETARY: [
        *VIEW_TREES,
        *EDIT_TREES,
        *VIEW_PEOPLE,
        "core.reveal_personal_data",
        *MANAGE_TRANSFERS,
        *MANAGE_MEMBERS,
        *MANAGE_MEETINGS,
        *MANAGE_ELECTIONS,
        *MANAGE_DEVELOPMENT,
        *DUAL_REPORTING_ALL,
        *MANAGE_DUES,
        *SERVICE_VIEW,
        *SERVICE_REGISTER,
        *SERVICE_DISPATCH,
        *SERVICE_SUPERVISE,
    ],
    BuiltinRole.ORG_STAFF: [
        *VIEW_TREES,
        "orgs.change_organization",
        "orgs.change_committee",
        *VIEW_PEOPLE,
        "members.view_transfer",
        *MANAGE_MEETINGS,
        "elections.view_election",
        "development.change_applicant",
        "development.view_applicant",
        *DUAL_REPORTING_STAFF,
        *DUES_STAFF,
        *SERVICE_VIEW,
        *SERVICE_REGISTER,
        *SERVICE_DISPATCH,
    ],
    BuiltinRole.GRID_WORKER: [
        *VIEW_TREES,
        "core.view_person",
        "members.view_resident",
        "members.view_gridworker",
        *SERVICE_VIEW,
        *SERVICE_REGISTER,
        "service.handle_request",
    ],
    # Department users see and handle what is sent to their department through membership.
    BuiltinRole.DEPARTMENT_HANDLER: [*VIEW_TREES, "service.view_category", "service.view_department"],
    BuiltinRole.PARTY_MEMBER: ["orgs.view_organization", "orgs.view_area", "dual_reporting.report_self"],
    BuiltinRole.RESIDENT: [],
}


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
        names = BUILTIN_ROLE_PERMISSIONS[code]
        for name in names:
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
