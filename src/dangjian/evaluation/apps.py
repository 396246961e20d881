"""评星定级: rating schemes, rounds with self-assessment, review, 公示 and final stars, and the
整改 plans of demoted organizations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "dangjian.evaluation"
    label = "evaluation"
    verbose_name = _("Star ratings")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            MenuGroup,
            PortalLink,
            register_audited_models,
            register_menu_entries,
            register_menu_group,
            register_org_panel,
            register_portal_link,
            register_role_permissions,
            registry,
        )
        from dangjian.evaluation import figures
        from dangjian.evaluation.panels import ORG_STARS_PANEL
        from dangjian.evaluation.roles import ROLE_PERMISSIONS

        register_role_permissions(ROLE_PERMISSIONS)
        # One group for 评星定级, 示范点 and 党员积分: whichever app comes first adds it.
        if "evaluation" not in registry["menu_groups"]:
            register_menu_group(MenuGroup("evaluation", _("Evaluation"), order=55))
        register_menu_entries(
            MenuEntry(
                "evaluation:round_list",
                _("Rating rounds"),
                "evaluation",
                "evaluation.view_ratinground",
                order=10,
            ),
            MenuEntry(
                "evaluation:scheme_list",
                _("Rating schemes"),
                "evaluation",
                "evaluation.view_ratingscheme",
                order=20,
            ),
            MenuEntry(
                "evaluation:rectification_list",
                _("Rectification plans"),
                "evaluation",
                "evaluation.view_rectification",
                order=30,
            ),
        )
        register_audited_models(*self.get_models())
        register_org_panel(ORG_STARS_PANEL)
        register_portal_link(
            PortalLink(
                "evaluation.publicity",
                "evaluation_public:round_list",
                _("Star rating public notices"),
                _("The results of 评星定级 under public notice; raise an objection."),
                order=60,
            )
        )
        figures.register_figures()
