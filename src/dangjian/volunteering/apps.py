"""志愿服务: the volunteer ledger, teams, the 三张清单 (needs, resources, projects), 微心愿 and the
matching of needs to volunteers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "dangjian.volunteering"
    label = "volunteering"
    verbose_name = _("Volunteering")

    def ready(self) -> None:
        import dangjian.volunteering.ledger.search_sources  # noqa: F401  registers the search box's sources
        from dangjian.core.registry import register_audited_models
        from dangjian.volunteering import ledger, lists, matchmaking, personal_data

        register_audited_models(*self.get_models())
        ledger.register()
        lists.register()
        matchmaking.register()
        personal_data.register()
