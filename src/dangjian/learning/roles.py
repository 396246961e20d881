"""What the built-in roles may do in the online party school, registered from ``apps.py``.

Existing databases get these from learning/0002_role_permissions. The organization department
and secretaries publish courses and plans for their subtree and read completion; staff read.
Learners need no role: they reach the courses meant for them through their membership.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

EVERYTHING = [
    "view_course",
    "add_course",
    "change_course",
    "view_studyplan",
    "add_studyplan",
    "change_studyplan",
    "view_studyrecord",
]
READER = ["view_course", "view_studyplan", "view_studyrecord"]

BY_ROLE: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: EVERYTHING,
    BuiltinRole.ORG_SECRETARY: EVERYTHING,
    BuiltinRole.ORG_STAFF: READER,
}

ROLE_PERMISSIONS: dict[str, list[str]] = {
    role: [f"learning.{codename}" for codename in codenames] for role, codenames in BY_ROLE.items()
}
