from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "dangjian.portal"
    label = "portal"
    verbose_name = _("Residents' portal")

    def ready(self) -> None:
        # The residents' pages have no staff navigation: no menu entries, only the audit filter.
        from dangjian.core.registry import register_audited_models

        register_audited_models(*self.get_models())
        from dangjian.portal import personal_data

        personal_data.register()
