"""党员积分 (member points): a rule table, points posted from other apps' records through the
registry's ``point_sources``, manual awards and deductions, the monthly ledger and the ranking."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MemberPointsConfig(AppConfig):
    name = "dangjian.member_points"
    label = "member_points"
    verbose_name = _("Member points")

    def ready(self) -> None:
        from dangjian.core.registry import (
            MenuEntry,
            register_audited_models,
            register_menu_entries,
            register_mine_section,
            register_role_permissions,
        )
        from dangjian.member_points import figures, tasks  # noqa: F401  tasks registers the daily posting
        from dangjian.member_points.panels import MY_POINTS_SECTION
        from dangjian.member_points.roles import ROLE_PERMISSIONS

        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "member_points:ledger",
                _("Member points"),
                "members",
                "member_points.view_pointentry",
                order=60,
            )
        )
        register_audited_models(*self.get_models())
        register_mine_section(MY_POINTS_SECTION)
        figures.register_figures()
