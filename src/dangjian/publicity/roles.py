"""What the built-in roles may do with announcements, registered from ``apps.py``.

Existing databases get these from publicity/0002_role_permissions. Members need no permission to
read what is addressed to them: that follows from their membership, not from a role.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

VIEW = "publicity.view_announcement"
ADD = "publicity.add_announcement"
CHANGE = "publicity.change_announcement"
ALL = [VIEW, ADD, CHANGE]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: ALL,
    BuiltinRole.ORG_SECRETARY: ALL,
    BuiltinRole.ORG_STAFF: ALL,
}
