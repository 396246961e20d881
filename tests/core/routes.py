"""Permission-table rows for the core pages: workbench and audit log (format: tests/permissions.py)."""

from __future__ import annotations

from tests.permissions import Route


def _audit_line_in_community_a(world) -> dict:
    from dangjian.core import audit
    from dangjian.core.choices import AuditAction

    return {"pk": audit.record(AuditAction.UPDATE, world.org_a).pk}


def _audit_line_without_place(world) -> dict:
    # A line with no place in the trees (e.g. a sign-in) is for system administrators only.
    from dangjian.core import audit
    from dangjian.core.choices import AuditAction

    return {"pk": audit.record(AuditAction.LOGIN_FAILED, username="someone").pk}


ROUTES: list[Route] = [
    Route("home", anonymous="public"),  # an anonymous visitor gets the landing page (two doors)
    Route("core:audit_list", persona="district_admin", denied_persona="secretary_a"),
    Route(
        "core:audit_detail",
        in_scope=_audit_line_in_community_a,
        out_of_scope=_audit_line_without_place,
        persona="district_admin",
        denied_persona="secretary_a",
    ),
]
