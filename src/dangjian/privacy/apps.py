"""个人信息保护: a resident's data exported, corrected and erased on request, and retention."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "dangjian.privacy"
    label = "privacy"
    verbose_name = _("Personal information protection")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            register_audited_models,
            register_menu_entries,
            register_role_permissions,
        )
        from dangjian.privacy import tasks  # noqa: F401  registers the retention purge
        from dangjian.privacy.roles import ROLE_PERMISSIONS

        register_role_permissions(ROLE_PERMISSIONS)
        register_audited_models(*self.get_models())
        register_menu_entries(
            MenuEntry(
                "privacy:person_list",
                _("Personal data requests"),
                "system",
                "privacy.export_personal_data",
                order=60,
            ),
        )
