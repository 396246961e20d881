"""What the built-in roles may do with the organization and area trees (registered from ``apps.py``).

Role codes are plain strings here: ``orgs`` sits below ``accounts``, which defines them.
"""

from __future__ import annotations

VIEW_TREES = ["orgs.view_organization", "orgs.view_area", "orgs.view_committee"]
EDIT_TREES = [
    "orgs.add_organization",
    "orgs.change_organization",
    "orgs.add_area",
    "orgs.change_area",
    "orgs.add_committee",
    "orgs.change_committee",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "org_department_admin": [*VIEW_TREES, *EDIT_TREES],
    "org_secretary": [*VIEW_TREES, *EDIT_TREES],
    # Staff keep the organization's record and its committee up to date but create nothing.
    "org_staff": [*VIEW_TREES, "orgs.change_organization", "orgs.change_committee"],
    "grid_worker": VIEW_TREES,
    "department_handler": VIEW_TREES,
    "party_member": ["orgs.view_organization", "orgs.view_area"],
}
