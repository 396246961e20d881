"""党费 (中组发〔2008〕3号): yearly base declarations, monthly payments, branch sheets, arrears,
reductions and waivers. The amount rule itself is ``dangjian.dues.rules.monthly_dues``."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "dangjian.dues"
    label = "dues"
    verbose_name = _("Party dues")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            register_audited_models,
            register_menu_entries,
            register_role_permissions,
            register_todo_source,
        )
        from dangjian.dues import (
            figures,
            history,
            letter,
            point_sources,  # noqa: F401  registers its 党员积分 source
        )
        from dangjian.dues.roles import ROLE_PERMISSIONS

        history.register()
        figures.register_figures()
        letter.register()
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry("dues:index", _("Party dues"), "members", "dues.view_duespayment", order=40)
        )
        # The snapshot is recomputed by the worker, never edited: nothing to audit.
        register_audited_models(
            *(model for model in self.get_models() if model.__name__ != "ArrearsSnapshot")
        )
        from dangjian.dues.workbench import ARREARS_TODO

        register_todo_source(ARREARS_TODO)
