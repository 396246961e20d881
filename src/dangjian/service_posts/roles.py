"""What the built-in roles may do with service posts, registered from ``apps.py``.

Existing databases get these from service_posts/0002_role_permissions. Secretaries and the
organization department set up posts; staff decide claims and moderate residents' comments;
party_member has only ``claim_post``: a member claims a post for themself and reads their own
claims by identity, never the claims of others.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

STAFF = [
    "service_posts.view_post",
    "service_posts.view_postclaim",
    "service_posts.change_postclaim",
    "service_posts.view_agreement",
    "service_posts.view_residentnote",
    "service_posts.change_residentnote",
]
ALL = [*STAFF, "service_posts.add_post", "service_posts.change_post"]
CLAIM = "service_posts.claim_post"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: ALL,
    BuiltinRole.ORG_SECRETARY: ALL,
    BuiltinRole.ORG_STAFF: STAFF,
    BuiltinRole.PARTY_MEMBER: [CLAIM],
}
