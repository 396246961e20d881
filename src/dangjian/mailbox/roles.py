"""What the built-in roles may do with the leader mailbox, registered from ``apps.py``.

Existing databases get these from mailbox/0002_role_permissions. Secretaries and the organization
department open mailboxes, assign, publish and close messages; organization staff read and answer
the messages of their organizations (and those assigned to them).
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

STAFF = ["mailbox.view_message", "mailbox.change_message", "mailbox.view_mailbox"]
ALL = [*STAFF, "mailbox.assign_message", "mailbox.add_mailbox", "mailbox.change_mailbox"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: ALL,
    BuiltinRole.ORG_SECRETARY: ALL,
    BuiltinRole.ORG_STAFF: STAFF,
}
