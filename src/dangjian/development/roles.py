"""What the built-in roles may do in the development pipeline (发展党员), registered from ``apps.py``."""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

# Existing databases get these from development/0002_national_steps.
MANAGE_DEVELOPMENT = [
    "development.add_applicant",
    "development.change_applicant",
    "development.view_applicant",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: MANAGE_DEVELOPMENT,
    BuiltinRole.ORG_SECRETARY: MANAGE_DEVELOPMENT,
    # Staff record the steps; admitting a new applicant is the secretary's.
    BuiltinRole.ORG_STAFF: ["development.change_applicant", "development.view_applicant"],
}
