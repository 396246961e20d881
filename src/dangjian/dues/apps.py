"""党费 (中组发〔2008〕3号): yearly base declarations, monthly payments, branch sheets, arrears,
reductions and waivers. The amount rule itself is ``dangjian.dues.rules.monthly_dues``."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "dangjian.dues"
    label = "dues"
    verbose_name = _("Party dues")

    def ready(self) -> None:
        from dangjian.dues import figures, history, letter

        history.register()
        figures.register_figures()
        letter.register()
