"""发展党员 (the development pipeline of 《中国共产党发展党员工作细则》): applicants through the five stages,
step definitions as data, dated step records, reminders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "dangjian.development"
    label = "development"
    verbose_name = _("Party member development")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            register_audited_models,
            register_menu_entries,
            register_role_permissions,
            register_todo_source,
        )
        from dangjian.development import figures
        from dangjian.development.history import development_history
        from dangjian.development.roles import ROLE_PERMISSIONS
        from dangjian.members.history import register_history_section

        figures.register_figures()
        register_history_section(
            "development", _("Party membership development"), development_history, order=20
        )
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "development:board",
                _("Party member development"),
                "members",
                "development.view_applicant",
                order=20,
            ),
            MenuEntry(
                "development:rule_set_list",
                _("Development rule sets"),
                "members",
                "development.view_ruleset",
                order=21,
            ),
        )
        register_audited_models(*self.get_models())
        from dangjian.development.workbench import PIPELINE_TODO

        register_todo_source(PIPELINE_TODO)
