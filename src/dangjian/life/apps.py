from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifeConfig(AppConfig):
    name = "dangjian.life"
    label = "life"
    verbose_name = _("Organizational life")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            register_audited_models,
            register_menu_entries,
            register_role_permissions,
            register_todo_source,
        )
        from dangjian.life import (
            figures,
            history,
            point_sources,  # noqa: F401  registers its 党员积分 source
            workbench,
        )
        from dangjian.life.roles import ROLE_PERMISSIONS

        history.register()
        figures.register_figures()
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry("life:meeting_list", _("Meetings"), "life", "life.view_meeting", order=10),
            MenuEntry("life:compliance", _("Meeting compliance"), "life", "life.view_meeting", order=20),
        )
        # The snapshot is recomputed by the worker, never edited: nothing to audit.
        register_audited_models(
            *(model for model in self.get_models() if model.__name__ != "OutstandingSnapshot")
        )
        register_todo_source(workbench.MEETINGS_TODO)
