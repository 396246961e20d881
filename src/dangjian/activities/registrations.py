"""What the activities app puts in the registry (called from ``ActivitiesConfig.ready``): role
permissions, audited models, the receiver of 双报到's confirmed logs, menu entries, figures, the
工作台 to-dos, the 我的 cards, the portal link and the points job."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The navbar group of the volunteering apps; the volunteer ledger registers its label.
GROUP = "volunteering"


def register(app_config) -> None:
    from dangjian.activities import figures, panels, tasks  # noqa: F401  tasks registers the job
    from dangjian.activities.roles import ROLE_PERMISSIONS
    from dangjian.activities.services.ledger import on_service_log_confirmed
    from dangjian.activities.workbench import service_card, todos
    from dangjian.core.registry import (
        LOGGED_IN,
        DashboardCard,
        MenuEntry,
        PortalLink,
        TodoSource,
        register_audited_models,
        register_dashboard_card,
        register_menu_entries,
        register_mine_section,
        register_portal_link,
        register_role_permissions,
        register_todo_source,
    )
    from dangjian.dual_reporting.signals import service_log_confirmed

    register_role_permissions(ROLE_PERMISSIONS)
    register_audited_models(*app_config.get_models())
    service_log_confirmed.connect(on_service_log_confirmed, dispatch_uid="activities_post_service_log")
    register_menu_entries(
        MenuEntry(
            "activities:activity_list", _("Volunteer activities"), GROUP, "activities.view_activity", order=40
        ),
        MenuEntry("activities:hours_list", _("Hours ledger"), GROUP, "activities.view_hoursrecord", order=41),
        MenuEntry(
            "activities:certificate_list",
            _("Service certificates"),
            GROUP,
            "activities.view_certificate",
            order=42,
        ),
        # A volunteer's own pages need no role: any signed-in user linked to a person.
        MenuEntry(
            "activities:my_activities",
            _("My volunteer service"),
            GROUP,
            LOGGED_IN,
            order=45,
            condition=lambda user: bool(getattr(user, "person_id", None)),
        ),
    )
    figures.register_figures()
    register_todo_source(TodoSource("activities", _("Volunteer activities"), todos, order=55))
    register_dashboard_card(
        DashboardCard(
            "activities.service",
            _("Volunteer service this year"),
            "activities/cards/service.html",
            service_card,
            permission="activities.view_hoursrecord",
            order=60,
        )
    )
    for section in panels.SECTIONS:
        register_mine_section(section)
    register_portal_link(
        PortalLink(
            "activities",
            "activities:public_list",
            _("Volunteer activities to join"),
            _("Community volunteer activities open for sign-up."),
            order=40,
        )
    )
