"""What the built-in roles may do with party dues (党费), registered from ``apps.py``."""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

# Existing databases get these from dues/0002_role_permissions.
DUES_MODELS = ["duessetting", "duesdeclaration", "duespayment", "duesreduction"]
MANAGE_DUES = [f"dues.{action}_{model}" for model in DUES_MODELS for action in ("add", "change", "view")]
# Staff see everything and record payments; bases, settings and reductions are the secretary's.
DUES_STAFF = [*(f"dues.view_{model}" for model in DUES_MODELS), "dues.add_duespayment"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: MANAGE_DUES,
    BuiltinRole.ORG_SECRETARY: MANAGE_DUES,
    BuiltinRole.ORG_STAFF: DUES_STAFF,
}
