"""The dashboard's screen part: the big screen (数据大屏), read from the figures store."""


def register() -> None:
    """Contribute this part's menu entries, permissions and cards to the registry."""
    from django.utils.translation import gettext_lazy as _

    from dangjian.core.registry import LOGGED_IN, MenuEntry, register_menu_entries
    from dangjian.dashboard.screen.content import may_use_screen

    # In 组织与网格 (the screen shows a node of either tree): a group of its own would push the
    # navbar past one line at 1280 px.
    register_menu_entries(
        MenuEntry(
            "dashboard:screen",
            _("Big screen"),
            "trees",
            LOGGED_IN,
            order=90,
            condition=may_use_screen,
        )
    )
