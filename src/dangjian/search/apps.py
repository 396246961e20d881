"""One search box for staff: people, members, organizations, areas, requests, posts, volunteers,
announcements, courses … each app contributes a ``SearchSource`` through the registry."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "dangjian.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from dangjian.core.registry import (
            LOGGED_IN,
            MenuEntry,
            MenuGroup,
            register_menu_entries,
            register_menu_group,
            search_sources,
        )

        register_menu_group(MenuGroup("search", _("Search"), order=95))
        register_menu_entries(
            MenuEntry(
                "search:results",
                _("Search"),
                "search",
                LOGGED_IN,
                condition=lambda user: bool(search_sources(user)),
                icon="dangjian/search.svg",
            )
        )
