"""What the built-in roles may do with 双报到, registered from ``apps.py``.

Existing databases get these from dual_reporting/0002_role_permissions. Staff log and confirm
service; pairings and the yearly feedback are the secretary's. party_member only has
report_self: a member reports themself by identity and does not see others' reports.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

DUAL_REPORTING_MODELS = ["memberreport", "unitpairing", "claim", "servicelog", "yearlyfeedback"]
DUAL_REPORTING_STAFF = [
    *(f"dual_reporting.view_{model}" for model in DUAL_REPORTING_MODELS),
    "dual_reporting.add_memberreport",
    "dual_reporting.add_claim",
    "dual_reporting.change_claim",
    "dual_reporting.add_servicelog",
    "dual_reporting.change_servicelog",
]
DUAL_REPORTING_ALL = [
    f"dual_reporting.{action}_{model}"
    for model in DUAL_REPORTING_MODELS
    for action in ["view", "add", "change"]
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: DUAL_REPORTING_ALL,
    BuiltinRole.ORG_SECRETARY: DUAL_REPORTING_ALL,
    BuiltinRole.ORG_STAFF: DUAL_REPORTING_STAFF,
    BuiltinRole.PARTY_MEMBER: ["dual_reporting.report_self"],
}
