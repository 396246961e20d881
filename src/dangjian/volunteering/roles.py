"""What the built-in roles may do in 志愿服务 (every volunteering model), registered from
``ledger.register()``; existing databases get the same from volunteering/0002_ledger.

Staff (department admin, secretary, staff) view, add and change the ledger, teams and the
三张清单 and 微心愿 of their subtrees. The skill taxonomy is one list for the whole platform, so
only the organization department edits it; everyone on staff reads it. Grid workers read the
volunteers and teams of their grid and record needs and 微心愿 there (they meet the residents).
party_member and resident hold none of these: a member joins the ledger, claims a 微心愿 or
signs up by identity, never through a staff permission.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

SCOPED_MODELS = ["team", "volunteer", "need", "resource", "project", "wish"]
ACTIONS = ["view", "add", "change"]

STAFF_CODENAMES = ["view_skill", *(f"{action}_{model}" for model in SCOPED_MODELS for action in ACTIONS)]
DEPARTMENT_CODENAMES = [*STAFF_CODENAMES, "add_skill", "change_skill"]
GRID_WORKER_CODENAMES = [
    "view_skill",
    "view_volunteer",
    "view_team",
    "view_need",
    "add_need",
    "change_need",
    "view_wish",
    "add_wish",
]


def _names(codenames: list[str]) -> list[str]:
    return [f"volunteering.{codename}" for codename in codenames]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: _names(DEPARTMENT_CODENAMES),
    BuiltinRole.ORG_SECRETARY: _names(STAFF_CODENAMES),
    BuiltinRole.ORG_STAFF: _names(STAFF_CODENAMES),
    BuiltinRole.GRID_WORKER: _names(GRID_WORKER_CODENAMES),
}
