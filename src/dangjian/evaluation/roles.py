"""What the built-in roles may do in 评星定级, registered from ``apps.py``.

Existing databases get these from evaluation/0002_role_permissions. The organization department
(a district's or street's administrator) writes schemes, runs rounds, reviews, answers
objections and finalizes; a secretary fills in her organization's self-assessment and carries out
its 整改 plan; staff read.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

MODELS = ["ratingscheme", "ratinground", "assessment", "objection", "orgstarrecord", "rectification"]
VIEW_ALL = [f"view_{model}" for model in MODELS]
ADMIN = [
    *VIEW_ALL,
    "add_ratingscheme",
    "change_ratingscheme",
    "add_ratinground",
    "change_ratinground",
    "change_assessment",
    "review_assessment",
    "change_objection",
    "change_rectification",
]
SECRETARY = [
    "view_ratinground",
    "view_assessment",
    "change_assessment",
    "view_objection",
    "view_orgstarrecord",
    "view_rectification",
    "change_rectification",
]
STAFF = ["view_ratinground", "view_assessment", "view_orgstarrecord", "view_rectification"]


def _full(names: list[str]) -> list[str]:
    return [f"evaluation.{name}" for name in names]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: _full(ADMIN),
    BuiltinRole.ORG_SECRETARY: _full(SECRETARY),
    BuiltinRole.ORG_STAFF: _full(STAFF),
}
