"""服务岗 / 党员先锋岗: posts an organization sets up, members' claims confirmed by the community,
the 领岗协议书 published on the portal for residents to supervise, expiry, renewal and withdrawal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicePostsConfig(AppConfig):
    name = "dangjian.service_posts"
    label = "service_posts"
    verbose_name = _("Service posts")

    def ready(self) -> None:
        import dangjian.service_posts.search_sources  # noqa: F401  registers the search box's sources
        from dangjian.core.registry import (
            MenuEntry,
            MenuGroup,
            PortalLink,
            register_audited_models,
            register_menu_entries,
            register_menu_group,
            register_mine_section,
            register_person_panel,
            register_portal_link,
            register_role_permissions,
            register_todo_source,
            registry,
        )
        from dangjian.members.history import register_history_section
        from dangjian.service_posts import (
            figures,
            point_sources,  # noqa: F401  registers its 党员积分 source
        )
        from dangjian.service_posts.history import service_posts_history
        from dangjian.service_posts.panels import MINE_POSTS_SECTION, PERSON_POSTS_PANEL
        from dangjian.service_posts.roles import ROLE_PERMISSIONS
        from dangjian.service_posts.workbench import CLAIMS_TODO

        # The volunteering ledger names the group 志愿服务; registered here only when it has not.
        if "volunteering" not in registry["menu_groups"]:
            register_menu_group(MenuGroup("volunteering", _("Volunteering"), order=45))
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "service_posts:post_list",
                _("Service posts"),
                "volunteering",
                "service_posts.view_post",
                order=40,
            ),
            MenuEntry(
                "service_posts:claim_list",
                _("Post claims"),
                "volunteering",
                "service_posts.view_postclaim",
                order=41,
            ),
        )
        register_audited_models(*self.get_models())
        from dangjian.service_posts import personal_data

        personal_data.register()
        figures.register_figures()
        register_todo_source(CLAIMS_TODO)
        register_person_panel(PERSON_POSTS_PANEL)
        register_history_section("service_posts", _("Service posts"), service_posts_history, order=65)
        register_mine_section(MINE_POSTS_SECTION)
        register_portal_link(
            PortalLink(
                "service_posts",
                "service_posts_portal:post_list",
                _("Party members' service posts"),
                _("The posts members hold in your community, their agreements, and a word to them."),
                order=30,
            )
        )
