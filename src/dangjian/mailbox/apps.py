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
            MenuEntry,
            PortalLink,
            register_audited_models,
            register_menu_entries,
            register_mine_section,
            register_portal_link,
            register_role_permissions,
            register_search_source,
            register_todo_source,
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

        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "mailbox:message_list",
                _("Mailbox messages"),
                "service",
                "mailbox.view_message",
                order=110,
            ),
            MenuEntry("mailbox:mailbox_list", _("Mailboxes"), "service", "mailbox.view_mailbox", order=111),
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
                order=110,
            )
        )
