"""Permission table of the privacy pages: secretary_a handles residents of 社区A; residents of
社区B's grid are out of scope (404, also for the secretary who is a grid worker there, since a
grid worker holds no privacy permission); a grid worker of 社区A has no right at all (403)."""

from __future__ import annotations

from tests.permissions import Route
from tests.privacy.helpers import fresh_person_in, pending_erasure, person_in

PERSON_A = lambda world: {"pk": person_in(world.building_a1, "居民甲").pk}  # noqa: E731
PERSON_B = lambda world: {"pk": person_in(world.grid_b1, "居民乙").pk}  # noqa: E731
FRESH_A = lambda world: {"pk": fresh_person_in(world.building_a1, "新居民甲").pk}  # noqa: E731
FRESH_B = lambda world: {"pk": fresh_person_in(world.grid_b1, "新居民乙").pk}  # noqa: E731
ERASURE_A = lambda world: {"pk": pending_erasure(fresh_person_in(world.building_a1, "待删甲")).pk}  # noqa: E731
ERASURE_B = lambda world: {"pk": pending_erasure(fresh_person_in(world.grid_b1, "待删乙")).pk}  # noqa: E731


def _request_form(world) -> dict:
    return {"requester": "self", "requested_on": "2026-01-05", "reason": "本人撤回同意"}


ROUTES: list[Route] = [
    Route("privacy:person_list", denied_persona="grid_worker_a"),
    Route("privacy:person_detail", in_scope=PERSON_A, out_of_scope=PERSON_B, denied_persona="grid_worker_a"),
    Route("privacy:person_export", in_scope=PERSON_A, out_of_scope=PERSON_B, denied_persona="grid_worker_a"),
    Route(
        "privacy:erasure_create",
        in_scope=FRESH_A,
        out_of_scope=FRESH_B,
        method="post",
        data=_request_form,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("privacy:erasure_list", denied_persona="grid_worker_a"),
    Route(
        "privacy:erasure_detail", in_scope=ERASURE_A, out_of_scope=ERASURE_B, denied_persona="grid_worker_a"
    ),
    Route(
        "privacy:erasure_confirm",
        in_scope=ERASURE_A,
        out_of_scope=ERASURE_B,
        method="post",
        data=lambda world: {"confirm": "on"},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
]
