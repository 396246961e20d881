"""数据大屏 and reports: pages that read what the other apps record, through the figures store.

Two parts with their own routes: ``screen`` (the big screen) and ``reports`` (the yearly 党建台账,
the service figures by grid and month). Each registers its own contributions.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dangjian.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboards and reports")

    def ready(self) -> None:
        from dangjian.dashboard import reports, screen

        screen.register()
        reports.register()
