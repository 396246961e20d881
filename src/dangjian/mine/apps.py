"""我的: a party member's (or an applicant's) own pages — dues, meetings, ballots, 双报到,
transfer letters and development steps — reached without any staff right."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MineConfig(AppConfig):
    name = "dangjian.mine"
    label = "mine"
    verbose_name = _("Mine")

    def ready(self) -> None:
        from dangjian.core.registry import (
            LOGGED_IN,
            DashboardCard,
            MenuEntry,
            MenuGroup,
            register_dashboard_card,
            register_menu_entries,
            register_menu_group,
        )
        from dangjian.mine.cards import mine_card
        from dangjian.mine.selectors import is_eligible

        # First in the navbar: for a member it is the page they came for. The entry shows only
        # to a user linked to a party member or an applicant, the same test the pages apply, so
        # the menu never offers a 403 (tests/core/test_menu.py).
        register_menu_group(MenuGroup("mine", _("Mine"), order=5))
        register_menu_entries(MenuEntry("mine:index", _("Mine"), "mine", LOGGED_IN, condition=is_eligible))
        register_dashboard_card(
            DashboardCard(
                key="mine",
                title=_("Mine"),
                template="mine/card.html",
                provider=mine_card,
                permission=LOGGED_IN,
                order=5,
            )
        )
