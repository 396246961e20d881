from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "dangjian.orgs"
    label = "orgs"
    verbose_name = _("Organizations and areas")

    def ready(self) -> None:
        import dangjian.orgs.search_sources  # noqa: F401  registers the search box's sources
        from dangjian.core.registry import (
            MenuEntry,
            register_audited_models,
            register_dashboard_card,
            register_menu_entries,
            register_role_permissions,
        )
        from dangjian.orgs import figures, workbench
        from dangjian.orgs.roles import ROLE_PERMISSIONS

        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry("orgs:org_tree", _("Organizations"), "trees", "orgs.view_organization", order=10),
            MenuEntry("orgs:area_tree", _("Grids"), "trees", "orgs.view_area", order=20),
        )
        # The key figures snapshot is recomputed by the worker, never edited: nothing to audit.
        register_audited_models(
            *(model for model in self.get_models() if model.__name__ != "KeyFigureSnapshot")
        )
        register_dashboard_card(workbench.ROLLUP_CARD)
        register_dashboard_card(workbench.KEY_FIGURES_CARD)
        figures.register_figures()
