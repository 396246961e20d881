"""What the built-in roles may do in the development pipeline (发展党员), registered from ``apps.py``."""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

# Existing databases get these from development/0002_national_steps.
MANAGE_DEVELOPMENT = [
    "development.add_applicant",
    "development.change_applicant",
    "development.view_applicant",
]

# The 组织部 keeps the rule sets (a revised 细则, a regional variant); existing databases get
# these from development/0004_national_rule_set_2014.
MANAGE_RULE_SETS = [
    "development.add_ruleset",
    "development.change_ruleset",
    "development.view_ruleset",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: MANAGE_DEVELOPMENT + MANAGE_RULE_SETS,
    BuiltinRole.ORG_SECRETARY: MANAGE_DEVELOPMENT,
    # Staff record the steps; admitting a new applicant is the secretary's.
    BuiltinRole.ORG_STAFF: ["development.change_applicant", "development.view_applicant"],
}
