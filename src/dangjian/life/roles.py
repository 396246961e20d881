"""What the built-in roles may do with meetings (组织生活), registered from ``apps.py``."""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

# Existing databases get these from life/0002_role_permissions; the rest from life/0004.
MANAGE_MEETINGS = [
    "life.add_meeting",
    "life.change_meeting",
    "life.view_meeting",
    *(
        f"life.{c}"
        for c in (
            "view_cadencerule",
            "add_democraticreview",
            "change_democraticreview",
            "view_democraticreview",
            "add_meetingattachment",
            "delete_meetingattachment",
            "view_meetingattachment",
        )
    ),
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: MANAGE_MEETINGS,
    BuiltinRole.ORG_SECRETARY: MANAGE_MEETINGS,
    BuiltinRole.ORG_STAFF: MANAGE_MEETINGS,
}
