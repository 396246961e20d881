"""Permission table of the 就业 API (/api/v1/jobs): secretary_a of 社区A党委 keeps 社区A's rows;
rows inside 光明社区第一网格 (社区B) are out of scope."""

from __future__ import annotations

from django.utils import timezone

from tests.jobs.helpers import (
    enrolled,
    posting_in_a,
    posting_in_b,
    resident_in,
    seeker_in_a,
    seeker_in_b,
    training_in_a,
    training_in_b,
)
from tests.permissions import Route

POSTING_A = lambda world: {"id": posting_in_a(world).pk}  # noqa: E731
POSTING_B = lambda world: {"id": posting_in_b(world).pk}  # noqa: E731
SEEKER_A = lambda world: {"id": seeker_in_a(world).pk}  # noqa: E731
SEEKER_B = lambda world: {"id": seeker_in_b(world).pk}  # noqa: E731
TRAINING_A = lambda world: {"id": training_in_a(world).pk}  # noqa: E731
TRAINING_B = lambda world: {"id": training_in_b(world).pk}  # noqa: E731
GRID = "grid_worker_a"


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", GRID)
    if options.get("method", "get") != "get":
        options.setdefault("json", True)
    return Route(name=f"api:{name}", **options)


def _roll(world) -> dict:
    row = enrolled(training_in_a(world), resident_in(world.building_a1, "陈学员"))
    return {"attended": {str(row.pk): True}}


ROUTES: list[Route] = [
    _api("jobs_posting_list"),
    _api("jobs_seeker_list"),
    _api("jobs_placement_list"),
    _api("jobs_training_list"),
    _api(
        "jobs_posting_create",
        method="post",
        allowed_status=201,
        data=lambda world: {
            "enterprise_name": "幸福物业公司",
            "title": "水电工",
            "area_id": world.grid_a1.pk,
            "org_id": world.org_a.pk,
        },
    ),
    _api("jobs_posting_detail", in_scope=POSTING_A, out_of_scope=POSTING_B),
    _api("jobs_posting_matches", in_scope=POSTING_A, out_of_scope=POSTING_B),
    _api(
        "jobs_posting_update",
        method="patch",
        in_scope=POSTING_A,
        out_of_scope=POSTING_B,
        data=lambda world: {"version": 1, "positions": 4},
    ),
    _api(
        "jobs_posting_close", method="post", in_scope=POSTING_A, out_of_scope=POSTING_B, data=lambda world: {}
    ),
    _api(
        "jobs_seeker_create",
        method="post",
        allowed_status=201,
        data=lambda world: {
            "person_id": resident_in(world.building_a1, "冯求职").pk,
            "area_id": world.grid_a1.pk,
            "org_id": world.org_a.pk,
        },
    ),
    _api("jobs_seeker_detail", in_scope=SEEKER_A, out_of_scope=SEEKER_B),
    _api("jobs_seeker_matches", in_scope=SEEKER_A, out_of_scope=SEEKER_B),
    _api(
        "jobs_seeker_update",
        method="patch",
        in_scope=SEEKER_A,
        out_of_scope=SEEKER_B,
        data=lambda world: {"version": 1, "wanted_job": "保安"},
    ),
    _api(
        "jobs_seeker_withdraw", method="post", in_scope=SEEKER_A, out_of_scope=SEEKER_B, data=lambda world: {}
    ),
    _api(
        "jobs_seeker_place",
        method="post",
        allowed_status=201,
        in_scope=SEEKER_A,
        out_of_scope=SEEKER_B,
        data=lambda world: {"posting_id": posting_in_a(world).pk},
    ),
    _api(
        "jobs_training_create",
        method="post",
        allowed_status=201,
        data=lambda world: {
            "title": "电工上岗培训",
            "starts_at": timezone.now().isoformat(),
            "area_id": world.grid_a1.pk,
            "org_id": world.org_a.pk,
        },
    ),
    _api("jobs_training_detail", in_scope=TRAINING_A, out_of_scope=TRAINING_B),
    _api("jobs_training_attendance", in_scope=TRAINING_A, out_of_scope=TRAINING_B),
    _api(
        "jobs_training_enrol",
        method="post",
        allowed_status=201,
        in_scope=TRAINING_A,
        out_of_scope=TRAINING_B,
        data=lambda world: {"person_id": resident_in(world.building_a1, "褚学员").pk},
    ),
    _api("jobs_training_roll", method="post", in_scope=TRAINING_A, out_of_scope=TRAINING_B, data=_roll),
]
