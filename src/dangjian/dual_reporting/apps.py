"""双报到: in-service members reporting to their residential community, unit party organizations
paired with a community (共建单位), claims, service logs and the yearly feedback."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DualReportingConfig(AppConfig):
    name = "dangjian.dual_reporting"
    label = "dual_reporting"
    verbose_name = _("Dual reporting")

    def ready(self) -> None:
        from dangjian.core.registry import (
            LOGGED_IN,
            MenuEntry,
            register_audited_models,
            register_menu_entries,
            register_person_panel,
            register_role_permissions,
        )
        from dangjian.dual_reporting import figures
        from dangjian.dual_reporting.history import dual_reporting_history
        from dangjian.dual_reporting.panels import PERSON_REPORTS_PANEL
        from dangjian.dual_reporting.roles import ROLE_PERMISSIONS
        from dangjian.dual_reporting.services import may_report_self
        from dangjian.members.history import register_history_section

        figures.register_figures()
        register_history_section("dual_reporting", _("Dual reporting"), dual_reporting_history, order=60)
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "dual_reporting:index",
                _("Dual reporting"),
                "dual_reporting",
                "dual_reporting.view_memberreport",
                order=10,
            ),
            # The page opens only for a party member (with report_self, or staff rights over
            # their own organization): a system administrator without a membership is not shown it.
            MenuEntry(
                "dual_reporting:report_self",
                _("Report to my community"),
                "dual_reporting",
                LOGGED_IN,
                order=20,
                condition=may_report_self,
            ),
        )
        register_audited_models(*self.get_models())
        register_person_panel(PERSON_REPORTS_PANEL)
