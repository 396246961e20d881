"""The 三张清单 — needs, resources, projects — and residents' 微心愿, with their portal pages."""

from __future__ import annotations


def register() -> None:
    """Put the lists' menu entries, figures, portal links, 我的 card and to-dos in the registry.

    The permissions of the volunteering models are the ledger's (``volunteering.roles``).
    """
    from django.utils.translation import gettext_lazy as _

    from dangjian.core.registry import (
        LOGGED_IN,
        MenuEntry,
        MenuGroup,
        PortalLink,
        register_menu_entries,
        register_menu_group,
        register_mine_section,
        register_portal_link,
        register_todo_source,
        registry,
    )
    from dangjian.volunteering.lists import figures, generator, mine, workbench  # noqa: F401 (generator registers its steps)
    from dangjian.volunteering.lists.services import may_claim_wishes

    # The ledger registers the group; this keeps the entries reachable on a branch without it.
    if "volunteering" not in registry["menu_groups"]:
        register_menu_group(MenuGroup("volunteering", _("Volunteering"), order=45))
    register_menu_entries(
        MenuEntry("volunteering:need_list", _("Needs"), "volunteering", "volunteering.view_need", order=30),
        MenuEntry(
            "volunteering:resource_list",
            _("Resources"),
            "volunteering",
            "volunteering.view_resource",
            order=31,
        ),
        MenuEntry(
            "volunteering:project_list",
            _("Service projects"),
            "volunteering",
            "volunteering.view_project",
            order=32,
        ),
        MenuEntry(
            "volunteering:wish_list", _("Micro-wishes"), "volunteering", "volunteering.view_wish", order=33
        ),
        MenuEntry(
            "volunteering:my_wishes",
            _("My micro-wishes"),
            "volunteering",
            LOGGED_IN,
            order=34,
            condition=may_claim_wishes,
        ),
    )
    figures.register_figures()
    register_todo_source(workbench.LISTS_TODO)
    register_mine_section(mine.MY_WISHES)
    register_portal_link(
        PortalLink(
            "volunteering.needs",
            "volunteering:public_need_list",
            _("Residents' needs"),
            _("Tell the community what help you need, and see the needs it has made public."),
            order=30,
        )
    )
    register_portal_link(
        PortalLink(
            "volunteering.wishes",
            "volunteering:public_wish_list",
            _("Micro-wishes"),
            _("Make a small wish for a party member to fulfil, or follow yours with its code."),
            order=31,
        )
    )
