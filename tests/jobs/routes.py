"""Permission table of the 就业 pages: secretary_a of 社区A党委 keeps 社区A's postings, seekers and
training; rows inside 光明社区第一网格 (社区B) are out of her scope — and out of the two-role
persona's, whose grid post there carries no jobs permission. The portal's open postings are public."""

from __future__ import annotations

from django.utils import timezone

from tests.jobs.helpers import (
    enrolled,
    posting_in_a,
    posting_in_b,
    resident_in,
    seeker_in_a,
    seeker_in_b,
    today,
    training_in_a,
    training_in_b,
)
from tests.permissions import Route

POSTING_A = lambda world: {"pk": posting_in_a(world).pk}  # noqa: E731
POSTING_B = lambda world: {"pk": posting_in_b(world).pk}  # noqa: E731
SEEKER_A = lambda world: {"pk": seeker_in_a(world).pk}  # noqa: E731
SEEKER_B = lambda world: {"pk": seeker_in_b(world).pk}  # noqa: E731
TRAINING_A = lambda world: {"pk": training_in_a(world).pk}  # noqa: E731
TRAINING_B = lambda world: {"pk": training_in_b(world).pk}  # noqa: E731
GRID = "grid_worker_a"  # sees the grid, holds no jobs permission


def _form(name: str, data, in_scope=lambda world: {}, out_of_scope=None) -> list[Route]:
    """A form page: GET shows it, POST does it (302 to the record)."""
    return [
        Route(name, in_scope=in_scope, out_of_scope=out_of_scope, denied_persona=GRID),
        Route(
            name,
            method="post",
            in_scope=in_scope,
            out_of_scope=out_of_scope,
            data=data,
            allowed_status=302,
            denied_persona=GRID,
        ),
    ]


def _post(name: str, data, in_scope, out_of_scope) -> Route:
    return Route(
        name,
        method="post",
        in_scope=in_scope,
        out_of_scope=out_of_scope,
        data=data,
        allowed_status=302,
        denied_persona=GRID,
    )


def posting_data(world) -> dict:
    return {
        "enterprise_name": "幸福物业公司",
        "title": "水电工",
        "positions": 2,
        "opens_on": today().isoformat(),
        "area": world.grid_a1.pk,
        "org": world.org_a.pk,
        "version": 1,
    }


def seeker_data(world) -> dict:
    return {
        "person": resident_in(world.building_a1, "冯求职").pk,
        "wanted_job": "保洁",
        "registered_on": today().isoformat(),
        "area": world.grid_a1.pk,
        "org": world.org_a.pk,
    }


def seeker_edit_data(world) -> dict:
    return {"wanted_job": "保安", "area": world.grid_a1.pk, "org": world.org_a.pk, "version": 1}


def training_data(world) -> dict:
    return {
        "title": "电工上岗培训",
        "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "capacity": 20,
        "area": world.grid_a1.pk,
        "org": world.org_a.pk,
    }


def roll_data(world) -> dict:
    row = enrolled(training_in_a(world), resident_in(world.building_a1, "陈学员"))
    return {f"attended_{row.pk}": "1"}


ROUTES: list[Route] = [
    Route("jobs:posting_list", denied_persona=GRID),
    Route("jobs:seeker_list", denied_persona=GRID),
    Route("jobs:seeker_export", denied_persona=GRID),
    Route("jobs:training_list", denied_persona=GRID),
    Route("jobs:public_postings", anonymous="public"),
    *_form("jobs:posting_create", posting_data),
    Route("jobs:posting_detail", in_scope=POSTING_A, out_of_scope=POSTING_B, denied_persona=GRID),
    *_form("jobs:posting_edit", posting_data, POSTING_A, POSTING_B),
    *_form("jobs:posting_close", lambda world: {"version": 1}, POSTING_A, POSTING_B),
    *_form("jobs:seeker_create", seeker_data),
    Route("jobs:seeker_detail", in_scope=SEEKER_A, out_of_scope=SEEKER_B, denied_persona=GRID),
    *_form("jobs:seeker_edit", seeker_edit_data, SEEKER_A, SEEKER_B),
    *_form("jobs:seeker_withdraw", lambda world: {"version": 1}, SEEKER_A, SEEKER_B),
    _post(
        "jobs:seeker_place",
        lambda world: {"posting": posting_in_a(world).pk, "placed_on": today().isoformat()},
        SEEKER_A,
        SEEKER_B,
    ),
    *_form("jobs:training_create", training_data),
    Route("jobs:training_detail", in_scope=TRAINING_A, out_of_scope=TRAINING_B, denied_persona=GRID),
    _post(
        "jobs:training_enrol",
        lambda world: {"person": resident_in(world.building_a1, "褚学员").pk},
        TRAINING_A,
        TRAINING_B,
    ),
    _post("jobs:training_roll", roll_data, TRAINING_A, TRAINING_B),
]
