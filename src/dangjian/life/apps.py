from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifeConfig(AppConfig):
    name = "dangjian.life"
    label = "life"
    verbose_name = _("Organizational life")

    def ready(self) -> None:
        from dangjian.life import figures, history

        history.register()
        figures.register_figures()
