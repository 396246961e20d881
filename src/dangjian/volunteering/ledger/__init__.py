"""The volunteer ledger (志愿者台账): volunteers, the skill taxonomy and teams."""

from __future__ import annotations


def register() -> None:
    """Put the ledger's menu entries, permissions, figures, panels and cards in the registry."""
    from django.utils.translation import gettext_lazy as _

    from dangjian.core.registry import (
        LOGGED_IN,
        MenuEntry,
        MenuGroup,
        register_dashboard_card,
        register_figure,
        register_menu_entries,
        register_menu_group,
        register_mine_section,
        register_person_panel,
        register_role_permissions,
        registry,
    )
    from dangjian.volunteering.ledger import placements, services
    from dangjian.volunteering.ledger.registry import (
        MINE_SECTION,
        PERSON_PANEL,
        STAFF_CARD,
        VOLUNTEERS_FIGURE,
    )
    from dangjian.volunteering.models import Volunteer
    from dangjian.volunteering.roles import ROLE_PERMISSIONS

    register_role_permissions(ROLE_PERMISSIONS)
    placements.register()
    register_menu_group(MenuGroup("volunteering", _("Volunteering"), order=45))
    register_menu_entries(
        MenuEntry(
            "volunteering:volunteer_list", _("Volunteer ledger"), "volunteering", services.VIEW, order=10
        ),
        MenuEntry("volunteering:team_list", _("Teams"), "volunteering", services.VIEW_TEAM, order=12),
        MenuEntry(
            "volunteering:skill_list", _("Skills"), "volunteering", "volunteering.view_skill", order=14
        ),
        # Opens for a signed-in person with a recorded home or membership, whatever their roles.
        MenuEntry(
            "volunteering:volunteer_join",
            _("Join the volunteer ledger"),
            "volunteering",
            LOGGED_IN,
            order=90,
            condition=services.may_join_self,
        ),
    )
    register_figure(VOLUNTEERS_FIGURE)
    register_person_panel(PERSON_PANEL)
    register_dashboard_card(STAFF_CARD)
    register_mine_section(MINE_SECTION)

    def copy_name_to_volunteers(person, created: bool) -> None:
        """The ledger orders and searches volunteers by copies of the sort key and search tokens."""
        if created:
            return
        Volunteer.objects.filter(person_id=person.pk).exclude(
            sort_name=person.name_pinyin, search_tokens=person.search_tokens
        ).update(sort_name=person.name_pinyin, search_tokens=person.search_tokens)

    registry["person_saved_hooks"]["volunteering.volunteers"] = copy_name_to_volunteers
