"""What the built-in roles may do in the privacy app, registered from ``apps.py``.

Existing databases get these from privacy/0002_role_permissions. Answering a resident's request
to see, copy or erase their data falls to the secretaries of the community (and the
organization department above them); grid workers and staff collect requests but do not act.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

PRIVACY_ALL = [
    "privacy.export_personal_data",
    "privacy.erase_personal_data",
    "privacy.view_erasurerequest",
    "privacy.add_erasurerequest",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: PRIVACY_ALL,
    BuiltinRole.ORG_SECRETARY: PRIVACY_ALL,
}
