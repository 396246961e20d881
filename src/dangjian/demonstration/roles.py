"""What the built-in roles may do with 示范点, registered from ``apps.py``.

Existing databases get these from demonstration/0002_role_permissions. The organization
department (district and street administrators) issues standard sets, reviews applications,
designates and re-checks; secretaries apply for their organization and fill in the evidence;
staff read.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

EVERYTHING = [
    "view_standardset",
    "add_standardset",
    "change_standardset",
    "view_application",
    "add_application",
    "change_application",
    "review_application",
    "view_designation",
    "add_designation",
    "change_designation",
]
APPLICANT = [
    "view_standardset",
    "view_application",
    "add_application",
    "change_application",
    "view_designation",
]
READER = ["view_standardset", "view_application", "view_designation"]

BY_ROLE: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: EVERYTHING,
    BuiltinRole.ORG_SECRETARY: APPLICANT,
    BuiltinRole.ORG_STAFF: READER,
}

ROLE_PERMISSIONS: dict[str, list[str]] = {
    role: [f"demonstration.{codename}" for codename in codenames] for role, codenames in BY_ROLE.items()
}
