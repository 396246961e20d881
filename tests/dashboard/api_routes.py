"""Permission table of the dashboards' API (/api/v1/dashboard): secretary_a reads the big screen
of 社区A, the 台账 of 幸福社区第一网格党支部 and the service figures of 幸福社区. The node, the
organization and the area are query parameters: the table carries the in-scope ones as the
query; those of another scope (404) are tested in tests/dashboard/test_api.py."""

from __future__ import annotations

from django.utils import timezone

from tests.permissions import Route


def _year() -> int:
    return timezone.localdate().year - 1


ROUTES: list[Route] = [
    Route("api:dashboard_screen", anonymous="401", denied_persona="resident"),
    Route(
        "api:dashboard_report_ledger",
        anonymous="401",
        data=lambda world: {"org": world.branch_a1.pk, "year": _year()},
        denied_persona="grid_worker_a",
    ),
    Route(
        "api:dashboard_report_service_grid",
        anonymous="401",
        data=lambda world: {"node": world.community_a.pk, "year": _year()},
        denied_persona="resident",
    ),
]
