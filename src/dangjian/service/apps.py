from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "dangjian.service"
    label = "service"
    verbose_name = _("Service requests")

    def ready(self) -> None:
        from dangjian.service.figures import registry as figure_registry

        figure_registry.register_figures()
