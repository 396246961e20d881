"""双报到: in-service members reporting to their residential community, unit party organizations
paired with a community (共建单位), claims, service logs and the yearly feedback."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DualReportingConfig(AppConfig):
    name = "dangjian.dual_reporting"
    label = "dual_reporting"
    verbose_name = _("Dual reporting")
