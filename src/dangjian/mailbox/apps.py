"""领导信箱 (leader mailbox): residents (phone-verified, no account) and members write to an
organization's mailbox; the message is assigned, answered within N working days (overdue flagged
and escalated through the platform's one deadline mechanism), optionally published with personal
details removed, and may become a service request."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "dangjian.mailbox"
    label = "mailbox"
    verbose_name = _("Leader mailbox")

    def ready(self) -> None:
        from dangjian.core.registry import (
            LOGGED_IN,
            MenuEntry,
            MenuGroup,
            PortalLink,
            register_audited_models,
            register_menu_entries,
            register_menu_group,
            register_mine_section,
            register_portal_link,
            register_role_permissions,
            register_search_source,
            register_todo_source,
            registry,
        )
        from dangjian.mailbox import (
            figures,
            personal_data,
            search,
            tasks,  # noqa: F401  registers the overdue job
        )
        from dangjian.mailbox.panels import MINE_MAILBOX_SECTION
        from dangjian.mailbox.roles import ROLE_PERMISSIONS
        from dangjian.mailbox.workbench import MAILBOX_TODO

        # Announcements, deliberation and proposals share the group; registered here only when they have not.
        if "communication" not in registry["menu_groups"]:
            register_menu_group(MenuGroup("communication", _("Communication"), order=70))
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "mailbox:message_list",
                _("Mailbox messages"),
                "communication",
                "mailbox.view_message",
                order=20,
            ),
            MenuEntry(
                "mailbox:mailbox_list", _("Mailboxes"), "communication", "mailbox.view_mailbox", order=21
            ),
            MenuEntry("mailbox:write", _("Write to the mailbox"), "communication", LOGGED_IN, order=22),
        )
        register_audited_models(*self.get_models())
        personal_data.register()
        figures.register_figures()
        register_todo_source(MAILBOX_TODO)
        register_search_source(search.SOURCE)
        register_mine_section(MINE_MAILBOX_SECTION)
        register_portal_link(
            PortalLink(
                "mailbox",
                "mailbox_portal:write",
                _("Leader mailbox"),
                _("Write to the secretary of your community, street or district, and read the answer."),
                order=20,
            )
        )
