from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        """Core's navbar groups and its own pages; every other app contributes from its ``ready()``."""
        from dangjian.core import lookups
        from dangjian.core.notifications import badge_label, unread_todo
        from dangjian.core.registry import (
            LOGGED_IN,
            STAFF,
            MenuEntry,
            MenuGroup,
            TodoSource,
            register_audited_models,
            register_menu_entries,
            register_menu_group,
            register_todo_source,
        )

        lookups.register()
        # The navbar's groups, so that it fits one line at 1280 px; a group the user can open
        # only one entry of shows that entry as a plain link.
        for group in (
            MenuGroup("trees", _("Trees"), order=10),
            MenuGroup("members", _("Party members"), order=20),
            MenuGroup("life", _("Organizational life"), order=30),
            MenuGroup("dual_reporting", _("Dual reporting"), order=40),
            MenuGroup("service", _("Service"), order=50),
            MenuGroup("notifications", _("Notifications"), order=60),
            MenuGroup("system", _("System"), order=70),
        ):
            register_menu_group(group)
        register_menu_entries(
            MenuEntry(
                "core:notification_list", _("Notifications"), "notifications", LOGGED_IN, badge=badge_label
            ),
            MenuEntry("core:audit_list", _("Audit log"), "system", "core.view_auditentry", order=10),
            MenuEntry("admin:index", _("Administration"), "system", STAFF, order=20),
        )
        # The 工作台's snapshots are recomputed by the worker, never edited, and deliveries are the
        # worker's record of what it sent: nothing to audit.
        register_audited_models(
            *(model for model in self.get_models() if model.__name__ not in {"WorkbenchSnapshot", "Delivery"})
        )
        register_todo_source(TodoSource("notifications", _("Notifications"), unread_todo, order=90))
