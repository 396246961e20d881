"""换届选举: elections of a party organization's committee: candidates (差额), ballots, counting,
results and the superior committee's approval."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "dangjian.elections"
    label = "elections"
    verbose_name = _("Elections")
