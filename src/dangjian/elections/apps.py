"""换届选举: elections of a party organization's committee: candidates (差额), ballots, counting,
results and the superior committee's approval."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "dangjian.elections"
    label = "elections"
    verbose_name = _("Elections")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            register_audited_models,
            register_menu_entries,
            register_role_permissions,
            register_todo_source,
        )
        from dangjian.elections.roles import ROLE_PERMISSIONS

        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry("elections:election_list", _("Elections"), "life", "elections.view_election", order=30)
        )
        register_audited_models(*self.get_models())
        from dangjian.elections.workbench import BALLOTS_TODO

        register_todo_source(BALLOTS_TODO)
