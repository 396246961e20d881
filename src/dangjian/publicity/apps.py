"""党务公开 and announcements: what an organization publishes for residents on the portal or for
its members, scheduled, pinned, with files, read receipts and the list of members not yet read."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "dangjian.publicity"
    label = "publicity"
    verbose_name = _("Announcements")

    def ready(self) -> None:
        from dangjian.core.registry import (
            LOGGED_IN,
            MenuEntry,
            MenuGroup,
            PortalLink,
            register_audited_models,
            register_menu_entries,
            register_menu_group,
            register_mine_section,
            register_portal_link,
            register_role_permissions,
            register_search_source,
            registry,
        )
        from dangjian.publicity import demo_data, figures, personal_data, search  # noqa: F401
        from dangjian.publicity.panels import MINE_SECTION
        from dangjian.publicity.roles import ROLE_PERMISSIONS, VIEW
        from dangjian.publicity.selectors import is_member

        if "participation" not in registry["menu_groups"]:
            register_menu_group(MenuGroup("participation", _("Publicity and learning"), order=48))
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry("publicity:announcement_list", _("Announcements"), "participation", VIEW, order=10),
            MenuEntry(
                "publicity:my_announcements",
                _("My announcements"),
                "participation",
                LOGGED_IN,
                order=11,
                condition=is_member,
            ),
        )
        register_audited_models(*self.get_models())
        figures.register_figures()
        personal_data.register()
        register_search_source(search.SOURCE)
        register_mine_section(MINE_SECTION)
        register_portal_link(
            PortalLink(
                "publicity",
                "publicity_portal:archive",
                _("Party affairs and announcements"),
                _(
                    "What the party organizations publish: 党务公开, notices and news, by organization and year."
                ),
                order=20,
            )
        )
