"""What the built-in roles may do with proposals, registered from ``apps.py`` (existing databases:
proposals/0002_role_permissions). Members propose and support by membership, not by a role."""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

VIEW = "proposals.view_proposal"
CHANGE = "proposals.change_proposal"  # respond and moderate
THRESHOLD = "proposals.change_threshold"
ALL = [VIEW, CHANGE, THRESHOLD]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: ALL,
    BuiltinRole.ORG_SECRETARY: ALL,
    BuiltinRole.ORG_STAFF: [VIEW, CHANGE],
}
