from django.apps import AppConfig


class TinyAppConfig(AppConfig):
    name = "tests.tinyapp"
    label = "tinyapp"
    verbose_name = "Tiny app"

    def ready(self) -> None:
        # Everything the platform learns about this app, in one place; nothing in core, orgs
        # or accounts names it.
        from dangjian.core.registry import (
            register_audited_models,
            register_dashboard_card,
            register_figure,
            register_menu_entries,
            register_menu_group,
            register_role_permissions,
        )
        from tests.tinyapp import contributions
        from tests.tinyapp.models import Note

        register_role_permissions(contributions.ROLE_PERMISSIONS)
        register_menu_group(contributions.MENU_GROUP)
        register_menu_entries(contributions.MENU_ENTRY)
        register_audited_models(Note)
        register_figure(contributions.FIGURE)
        register_dashboard_card(contributions.CARD)
