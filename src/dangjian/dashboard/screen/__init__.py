"""The dashboard's screen part: the big screen (数据大屏), read from the figures store."""


def register() -> None:
    """Contribute this part's menu entries, permissions and cards to the registry."""
    from django.utils.translation import gettext_lazy as _

    from dangjian.core.registry import (
        LOGGED_IN,
        MenuEntry,
        MenuGroup,
        register_menu_entries,
        register_menu_group,
    )
    from dangjian.dashboard.screen.content import may_use_screen

    register_menu_group(MenuGroup("dashboard", _("Dashboards"), order=55))
    register_menu_entries(
        MenuEntry(
            "dashboard:screen",
            _("Big screen"),
            "dashboard",
            LOGGED_IN,
            order=10,
            condition=may_use_screen,
        )
    )
