"""What the built-in roles may do with residents, party members and transfers (registered from ``apps.py``)."""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

VIEW_PEOPLE = ["members.view_resident", "members.view_partymember", "members.view_gridworker"]
# Transfers (组织关系转接): existing databases get these from members/0002_transfer.
MANAGE_TRANSFERS = ["members.add_transfer", "members.change_transfer", "members.view_transfer"]
# Member ledger (党员台账): existing databases get these from members/0004_ledger.
MANAGE_MEMBERS = ["members.add_partymember", "members.change_partymember"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: [*VIEW_PEOPLE, *MANAGE_TRANSFERS, *MANAGE_MEMBERS],
    BuiltinRole.ORG_SECRETARY: [*VIEW_PEOPLE, *MANAGE_TRANSFERS, *MANAGE_MEMBERS],
    BuiltinRole.ORG_STAFF: [*VIEW_PEOPLE, "members.view_transfer"],
    # Grid workers know the residents of their grids, not the party ledger.
    BuiltinRole.GRID_WORKER: ["members.view_resident", "members.view_gridworker"],
}
