"""What the built-in roles may do with activities, hours, 证明 and points, registered from
``apps.py``; existing databases get these from activities/0002_role_permissions.

Staff organize activities, confirm and correct hours, issue 证明 and keep the catalogue. A
volunteer acts on their own sign-ups, hours, 证明 and points by identity, with no permission.
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

MODELS = ["activity", "signup", "hoursrecord", "recordentry", "certificate", "rewarditem", "redemption"]
EVERYTHING = [f"activities.{action}_{model}" for model in MODELS for action in ["view", "add", "change"]]
STAFF = [
    "activities.view_activity",
    "activities.add_activity",
    "activities.change_activity",
    "activities.view_signup",
    "activities.view_hoursrecord",
    "activities.add_hoursrecord",
    # Training, awards and evaluations: whoever enters hours enters these (activities/0004).
    "activities.view_recordentry",
    "activities.add_recordentry",
    "activities.view_certificate",
    "activities.change_certificate",
    "activities.view_rewarditem",
    "activities.view_redemption",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: EVERYTHING,
    BuiltinRole.ORG_SECRETARY: EVERYTHING,
    BuiltinRole.ORG_STAFF: STAFF,
}
