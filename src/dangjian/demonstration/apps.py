"""示范点 (demonstration points): standards, applications with evidence, review, designation and
periodic re-checks, a public list on the residents' portal and the ``demonstration.designated``
figure."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemonstrationConfig(AppConfig):
    name = "dangjian.demonstration"
    label = "demonstration"
    verbose_name = _("Demonstration points")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            MenuGroup,
            PortalLink,
            register_audited_models,
            register_menu_entries,
            register_menu_group,
            register_org_panel,
            register_portal_link,
            register_role_permissions,
            register_todo_source,
            registry,
        )
        from dangjian.demonstration import figures, tasks  # noqa: F401  tasks registers the job
        from dangjian.demonstration.panels import ORG_DESIGNATIONS_PANEL
        from dangjian.demonstration.roles import ROLE_PERMISSIONS
        from dangjian.demonstration.workbench import RECHECK_SOURCE

        if "evaluation" not in registry["menu_groups"]:
            register_menu_group(MenuGroup("evaluation", _("Evaluation"), order=55))
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "demonstration:designation_list",
                _("Demonstration points"),
                "evaluation",
                "demonstration.view_designation",
                order=60,
            ),
            MenuEntry(
                "demonstration:application_list",
                _("Demonstration applications"),
                "evaluation",
                "demonstration.view_application",
                order=61,
            ),
            MenuEntry(
                "demonstration:set_list",
                _("Demonstration standards"),
                "evaluation",
                "demonstration.view_standardset",
                order=62,
            ),
        )
        register_audited_models(*self.get_models())
        register_org_panel(ORG_DESIGNATIONS_PANEL)
        register_todo_source(RECHECK_SOURCE)
        register_portal_link(
            PortalLink(
                "demonstration.points",
                "demonstration:public_list",
                _("Demonstration points"),
                _("Party organizations designated as demonstration points."),
                order=70,
            )
        )
        figures.register_figures()
