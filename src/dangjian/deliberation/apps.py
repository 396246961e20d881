"""议事 (五方联系议事 / 党群议事): topics raised by residents, members or units, the five parties
invited, online discussion with moderation, the meeting with attendance and decision, and the
follow-up tasks whose progress is public on the portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "dangjian.deliberation"
    label = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            PortalLink,
            register_audited_models,
            register_menu_entries,
            register_portal_link,
            register_role_permissions,
            register_search_source,
            register_todo_source,
        )
        from dangjian.deliberation import figures, personal_data
        from dangjian.deliberation.roles import ROLE_PERMISSIONS
        from dangjian.deliberation.workbench import RAISED_TODO, SEARCH, TASKS_TODO

        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "deliberation:topic_list",
                _("Deliberation"),
                "service",
                "deliberation.view_topic",
                order=110,
            ),
        )
        register_audited_models(*self.get_models())
        figures.register_figures()
        personal_data.register()
        register_todo_source(RAISED_TODO)
        register_todo_source(TASKS_TODO)
        register_search_source(SEARCH)
        register_portal_link(
            PortalLink(
                "deliberation",
                "deliberation_portal:topic_list",
                _("Deliberation (议事)"),
                _(
                    "Topics the community deliberated, their decisions and how the follow-up is going; raise a topic."
                ),
                order=40,
            )
        )
