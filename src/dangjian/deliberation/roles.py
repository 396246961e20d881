"""What the built-in roles may do in deliberation, registered from ``apps.py``.

Existing databases get these from deliberation/0002_role_permissions. Staff of the organization
run the deliberation (accept, invite, record the meeting and tasks, moderate); a party member
may raise a topic in their own organization. Invitees and members of an open topic's
organization take part without a role (``models.TopicQuerySet``).
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

STAFF = [
    "deliberation.view_topic",
    "deliberation.add_topic",
    "deliberation.change_topic",
    "deliberation.change_comment",
]
RAISE = "deliberation.raise_topic"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: STAFF,
    BuiltinRole.ORG_SECRETARY: STAFF,
    BuiltinRole.ORG_STAFF: STAFF,
    BuiltinRole.PARTY_MEMBER: [RAISE],
}
