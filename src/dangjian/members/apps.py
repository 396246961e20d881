from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "dangjian.members"
    label = "members"
    verbose_name = _("People")

    def ready(self) -> None:
        import dangjian.members.search_sources  # noqa: F401  registers the search box's sources
        from dangjian.core.registry import (
            MenuEntry,
            register_area_panel,
            register_audited_models,
            register_menu_entries,
            register_org_panel,
            register_role_permissions,
            register_todo_source,
        )
        from dangjian.members import (
            figures,
            history_transfers,
            ledger_history,
            org_facts,
            org_membership,
            personal_data,
            placements,
            workbench,
        )
        from dangjian.members.roles import ROLE_PERMISSIONS

        history_transfers.register()
        ledger_history.register()
        # Where a person sits in the trees, and what the organization rules ask of the ledger.
        placements.register()
        org_membership.register()
        personal_data.register()
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry("members:person_list", _("People"), "trees", "core.view_person", order=30),
            MenuEntry(
                "members:member_list", _("Party members"), "members", "members.view_partymember", order=10
            ),
            MenuEntry("members:transfer_list", _("Transfers"), "members", "members.view_transfer", order=30),
            MenuEntry(
                "members:political_birthdays",
                _("Political birthdays"),
                "members",
                "members.view_partymember",
                order=50,
            ),
        )
        register_audited_models(*self.get_models())
        register_org_panel(org_facts.ORG_MEMBERS_PANEL)
        register_area_panel(org_facts.AREA_WORKERS_PANEL)
        figures.register_figures()
        register_todo_source(workbench.TRANSFERS_TODO)
