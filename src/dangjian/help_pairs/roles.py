"""What the built-in roles may do with 帮扶对子, registered from ``apps.py``.

Existing databases get these from help_pairs/0002_role_permissions. Secretaries and the
organization department set pairs up and end them; staff log and correct visits; a party member
logs visits on their own pairs only (``log_own_visit``, by identity: the pair's helper is them).
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

HELP_PAIRS_ALL = [
    f"help_pairs.{action}_{model}" for model in ["helppair", "visit"] for action in ["view", "add", "change"]
]
HELP_PAIRS_STAFF = [
    "help_pairs.view_helppair",
    "help_pairs.view_visit",
    "help_pairs.add_visit",
    "help_pairs.change_visit",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: HELP_PAIRS_ALL,
    BuiltinRole.ORG_SECRETARY: HELP_PAIRS_ALL,
    BuiltinRole.ORG_STAFF: HELP_PAIRS_STAFF,
    BuiltinRole.PARTY_MEMBER: ["help_pairs.log_own_visit"],
}
