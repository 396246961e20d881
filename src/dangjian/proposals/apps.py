"""网上提议: residents and members propose to a community's party organization, others support
once each, a threshold asks the organization for a public response."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "dangjian.proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            MenuGroup,
            PortalLink,
            TodoSource,
            register_audited_models,
            register_menu_entries,
            register_menu_group,
            register_portal_link,
            register_role_permissions,
            register_todo_source,
            registry,
        )
        from dangjian.proposals import demo_data, personal_data  # noqa: F401
        from dangjian.proposals.roles import ROLE_PERMISSIONS, VIEW
        from dangjian.proposals.workbench import awaiting_todo

        if "participation" not in registry["menu_groups"]:
            register_menu_group(MenuGroup("participation", _("Publicity and learning"), order=48))
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry("proposals:proposal_list", _("Proposals"), "participation", VIEW, order=30),
        )
        register_audited_models(*self.get_models())
        personal_data.register()

        register_todo_source(TodoSource("proposals", _("Proposals"), awaiting_todo, VIEW))
        register_portal_link(
            PortalLink(
                "proposals",
                "proposals_portal:proposal_list",
                _("Online proposals"),
                _("Propose what your community should do, support others' proposals, read the responses."),
                order=25,
            )
        )
