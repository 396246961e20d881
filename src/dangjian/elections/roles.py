"""What the built-in roles may do with elections (换届选举), registered from ``apps.py``."""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

# Existing databases get these from elections/0002_role_permissions.
MANAGE_ELECTIONS = ["elections.add_election", "elections.change_election", "elections.view_election"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: MANAGE_ELECTIONS,
    BuiltinRole.ORG_SECRETARY: MANAGE_ELECTIONS,
    BuiltinRole.ORG_STAFF: ["elections.view_election"],
}
