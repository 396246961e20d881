"""发展党员 (the development pipeline of 《中国共产党发展党员工作细则》): applicants through the five stages,
step definitions as data, dated step records, reminders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "dangjian.development"
    label = "development"
    verbose_name = _("Party member development")

    def ready(self) -> None:
        from dangjian.development import figures
        from dangjian.development.history import development_history
        from dangjian.members.history import register_history_section

        figures.register_figures()
        register_history_section(
            "development", _("Party membership development"), development_history, order=20
        )
