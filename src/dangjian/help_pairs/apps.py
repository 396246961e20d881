"""帮扶对子: cadres and members paired with families, enterprises or villages, their visits and the
reminders when a visit is overdue."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def ensure_volunteering_menu_group() -> None:
    """The 志愿服务 menu group is the volunteer ledger's; add it only where that part has not."""
    from dangjian.core.registry import MenuGroup, register_menu_group, registry

    if "volunteering" not in registry["menu_groups"]:
        register_menu_group(MenuGroup("volunteering", _("Volunteering"), order=45))


class HelpPairsConfig(AppConfig):
    name = "dangjian.help_pairs"
    label = "help_pairs"
    verbose_name = _("Help pairs")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            register_audited_models,
            register_menu_entries,
            register_mine_section,
            register_person_panel,
            register_role_permissions,
            register_todo_source,
        )
        from dangjian.help_pairs import figures, tasks  # noqa: F401  tasks registers the reminder
        from dangjian.help_pairs.panels import MY_PAIRS_SECTION, PERSON_PAIRS_PANEL
        from dangjian.help_pairs.roles import ROLE_PERMISSIONS
        from dangjian.help_pairs.workbench import OVERDUE_SOURCE

        ensure_volunteering_menu_group()
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "help_pairs:pair_list", _("Help pairs"), "volunteering", "help_pairs.view_helppair", order=70
            )
        )
        register_audited_models(*self.get_models())
        from dangjian.help_pairs import personal_data

        personal_data.register()
        register_person_panel(PERSON_PAIRS_PANEL)
        register_mine_section(MY_PAIRS_SECTION)
        register_todo_source(OVERDUE_SOURCE)
        figures.register_figures()
