"""What the built-in roles may do with 党员积分, registered from ``apps.py``.

Existing databases get these from member_points/0002_role_permissions. The 组织部 keeps the rule
table for everyone; secretaries add rules limited to their subtree, keep its ledger (manual
awards, deductions, reversals) and see its ranking; staff read the ledger. Members read their own points on 我的, by identity.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

ADMIN = [
    "member_points.view_pointrule",
    "member_points.add_pointrule",
    "member_points.change_pointrule",
    "member_points.view_pointentry",
    "member_points.add_pointentry",
]
# A secretary keeps the rules limited to their subtree (a branch's own bonus rule); a rule for
# every member needs the right over the whole tree (services.may_manage_rule).
SECRETARY = ADMIN
STAFF = ["member_points.view_pointrule", "member_points.view_pointentry"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: ADMIN,
    BuiltinRole.ORG_SECRETARY: SECRETARY,
    BuiltinRole.ORG_STAFF: STAFF,
}
