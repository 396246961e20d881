"""就业: enterprise postings, residents seeking work, matching by skill and area, placements and
training sessions with attendance."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def ensure_volunteering_menu_group() -> None:
    """The 志愿服务 menu group is the volunteer ledger's; add it only where that part has not."""
    from dangjian.core.registry import MenuGroup, register_menu_group, registry

    if "volunteering" not in registry["menu_groups"]:
        register_menu_group(MenuGroup("volunteering", _("Volunteering"), order=45))


class JobsConfig(AppConfig):
    name = "dangjian.jobs"
    label = "jobs"
    verbose_name = _("Jobs")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            PortalLink,
            register_audited_models,
            register_dashboard_card,
            register_menu_entries,
            register_portal_link,
            register_role_permissions,
        )
        from dangjian.jobs import figures
        from dangjian.jobs.roles import ROLE_PERMISSIONS
        from dangjian.jobs.workbench import JOBS_CARD

        ensure_volunteering_menu_group()
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "jobs:posting_list", _("Job postings"), "volunteering", "jobs.view_jobposting", order=80
            ),
            MenuEntry("jobs:seeker_list", _("Job seekers"), "volunteering", "jobs.view_jobseeker", order=81),
            MenuEntry(
                "jobs:training_list", _("Job training"), "volunteering", "jobs.view_trainingsession", order=82
            ),
        )
        register_audited_models(*self.get_models())
        from dangjian.jobs import personal_data

        personal_data.register()
        register_dashboard_card(JOBS_CARD)
        register_portal_link(
            PortalLink(
                "jobs.postings",
                "jobs:public_postings",
                _("Jobs near you"),
                _("Open job postings collected by the community."),
                order=60,
            )
        )
        figures.register_figures()
