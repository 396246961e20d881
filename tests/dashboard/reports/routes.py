"""Permission table of the reports: secretary_a (社区A党委) prints the 台账 of 幸福社区第一网格党支部
and the service figures of 幸福社区; 光明社区's branch and community are out of her scope — and out
of the two-role persona's, whose grid post in 光明社区第一网格 carries neither the party ledger's
permission nor any right over the whole community."""

from __future__ import annotations

from django.utils import timezone

from tests.permissions import Route


def _year() -> int:
    return timezone.localdate().year - 1


LEDGER_A = lambda world: {"pk": world.branch_a1.pk, "year": _year()}  # noqa: E731
LEDGER_B = lambda world: {"pk": world.branch_b1.pk, "year": _year()}  # noqa: E731
AREA_A = lambda world: {"pk": world.community_a.pk, "year": _year()}  # noqa: E731
AREA_B = lambda world: {"pk": world.community_b.pk, "year": _year()}  # noqa: E731

ROUTES: list[Route] = [
    Route("dashboard:reports:ledger_index", denied_persona="grid_worker_a"),
    *(
        Route(
            f"dashboard:reports:{name}",
            in_scope=LEDGER_A,
            out_of_scope=LEDGER_B,
            denied_persona="grid_worker_a",
        )
        for name in ("ledger", "ledger_pdf", "ledger_export")
    ),
    Route("dashboard:reports:service_index", denied_persona="resident"),
    *(
        Route(f"dashboard:reports:{name}", in_scope=AREA_A, out_of_scope=AREA_B, denied_persona="resident")
        for name in ("service", "service_pdf", "service_export")
    ),
]
