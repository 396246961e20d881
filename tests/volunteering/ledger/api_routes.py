"""Permission table of the volunteer ledger API (/api/v1/volunteering): secretary_a of 社区A党委
on the volunteers of 社区A; those wholly inside 社区B are out of scope."""

from __future__ import annotations

from tests.members.ledger_data import nth_id_number
from tests.permissions import Route
from tests.volunteering.helpers import volunteer_in_a, volunteer_in_b

VOLUNTEER_A = lambda world: {"id": volunteer_in_a(world).pk}  # noqa: E731
VOLUNTEER_B = lambda world: {"id": volunteer_in_b(world).pk}  # noqa: E731
GRID = "grid_worker_a"


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


ROUTES: list[Route] = [
    _api("volunteering_volunteer_list", denied_persona="resident"),
    _api(
        "volunteering_volunteer_detail",
        in_scope=VOLUNTEER_A,
        out_of_scope=VOLUNTEER_B,
        denied_persona="resident",
    ),
    _api(
        "volunteering_volunteer_create",
        method="post",
        json=True,
        data=lambda world: {
            "name": "吴新来",
            "id_number": nth_id_number(4322),
            "area_id": world.grid_a1.pk,
            "capacity_hours": 6,
            "availability": 7,
        },
        allowed_status=201,
        denied_persona=GRID,
    ),
    _api(
        "volunteering_volunteer_update",
        method="patch",
        json=True,
        in_scope=VOLUNTEER_A,
        out_of_scope=VOLUNTEER_B,
        data=lambda world: {"version": volunteer_in_a(world).version, "capacity_hours": 10},
        denied_persona=GRID,
    ),
    _api("volunteering_skill_list", denied_persona="resident"),
]
