"""双报到: in-service members reporting to their residential community, unit party organizations
paired with a community (共建单位), claims, service logs and the yearly feedback."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DualReportingConfig(AppConfig):
    name = "dangjian.dual_reporting"
    label = "dual_reporting"
    verbose_name = _("Dual reporting")

    def ready(self) -> None:
        from dangjian.dual_reporting import figures
        from dangjian.dual_reporting.history import dual_reporting_history
        from dangjian.members.history import register_history_section

        figures.register_figures()
        register_history_section("dual_reporting", _("Dual reporting"), dual_reporting_history, order=60)
