"""Permission-table rows for people's pages: list, detail, reveal (format: tests/permissions.py).

The 社区B person lives in 社区B's grid, which ``secretary_a_grid_worker_b`` works: she opens the
person page as a grid worker and is refused the reveal (a grid worker may not reveal).
"""

from __future__ import annotations

from tests.permissions import Route


def _person_in(area_name: str):
    def kwargs(world) -> dict:
        from tests.core.people import resident_in, valid_id_number

        area = getattr(world, area_name)
        # A distinct ID number per area, so rows built in one test never collide.
        serial = sum(map(ord, area_name)) % 1000
        person = resident_in(area, "路人", id_number=valid_id_number(serial), mobile=f"137{serial:08d}")
        return {"pk": person.pk}

    return kwargs


def _reveal_in(area_name: str):
    def kwargs(world) -> dict:
        return {**_person_in(area_name)(world), "field": "id_number"}

    return kwargs


ROUTES: list[Route] = [
    Route("members:person_list", denied_persona="resident"),
    Route(
        "members:person_detail",
        in_scope=_person_in("building_a1"),
        out_of_scope=_person_in("grid_b1"),
        denied_persona="resident",
        two_roles_outside="200",
    ),
    Route(
        "members:person_reveal",
        method="post",
        in_scope=_reveal_in("building_a1"),
        out_of_scope=_reveal_in("grid_b1"),
        denied_persona="grid_worker_a",
        two_roles_outside="refused",
    ),
]
