"""What the built-in roles may do with 就业, registered from ``apps.py``.

Existing databases get these from jobs/0002_role_permissions. The organization department,
secretaries and staff keep the postings, the seekers' register, placements and training; other
roles see nothing of it (the public sees open postings on the portal, without personal data).
"""

from __future__ import annotations

from dangjian.accounts.choices import BuiltinRole

JOBS_MODELS = ["jobposting", "jobseeker", "placement", "trainingsession", "trainingattendance"]
JOBS_ALL = [f"jobs.{action}_{model}" for model in JOBS_MODELS for action in ["view", "add", "change"]]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    BuiltinRole.ORG_DEPARTMENT_ADMIN: JOBS_ALL,
    BuiltinRole.ORG_SECRETARY: JOBS_ALL,
    BuiltinRole.ORG_STAFF: JOBS_ALL,
}
