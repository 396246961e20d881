from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "dangjian.service"
    label = "service"
    verbose_name = _("Service requests")

    def ready(self) -> None:
        import dangjian.service.search_sources  # noqa: F401  registers the search box's sources
        from dangjian.core.registry import (
            LOGGED_IN,
            MenuEntry,
            register_audited_models,
            register_dashboard_card,
            register_menu_entries,
            register_role_permissions,
            register_todo_source,
        )
        from dangjian.service import workbench
        from dangjian.service.figures import registry as figure_registry
        from dangjian.service.roles import ROLE_PERMISSIONS
        from dangjian.service.views.requests import may_read_requests

        register_role_permissions(ROLE_PERMISSIONS)
        from dangjian.core.registry import register_personal_data_source
        from dangjian.service import personal_data

        register_personal_data_source(personal_data.SOURCE)
        view = "service.view_servicerequest"
        register_menu_entries(
            MenuEntry("service:request_list", _("Service requests"), "service", view, order=10),
            # Department users hold no tree permission; the queue shows what is sent to them.
            MenuEntry(
                "service:queue",
                _("My work queue"),
                "service",
                LOGGED_IN,
                order=20,
                condition=may_read_requests,
            ),
            MenuEntry(
                "service:supervised_list",
                _("Supervised requests"),
                "service",
                "service.supervise_request",
                order=30,
            ),
            MenuEntry(
                "service:request_create",
                _("Register a request"),
                "service",
                "service.add_servicerequest",
                order=40,
            ),
            MenuEntry("service:grid_home", _("My grids"), "service", "service.add_servicerequest", order=50),
            MenuEntry("service:figures", _("Service figures"), "service", view, order=60),
            MenuEntry("service:map", _("Grid map"), "service", view, order=70),
            MenuEntry(
                "service:category_list", _("Request categories"), "service", "service.view_category", order=80
            ),
            MenuEntry("service:routing_list", _("Routing"), "service", "service.view_routingrule", order=90),
            MenuEntry(
                "service:department_list", _("Departments"), "service", "service.view_department", order=100
            ),
        )
        register_audited_models(*self.get_models())
        figure_registry.register_figures()
        register_todo_source(workbench.QUEUE_TODO)
        register_dashboard_card(workbench.GRID_CARD)
