"""Permission table of the meetings API (/api/v1/life): secretary_a of 社区A; meetings of 社区B's
branch out of scope. Check-in is reached by the QR token: a wrong token answers 404."""

from __future__ import annotations

from django.utils import timezone

from dangjian.life.choices import AttendanceStatus
from dangjian.life.models import Meeting
from tests.life.routes import _check_in_kwargs, _meeting, _ready
from tests.permissions import Route


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    return Route(name=f"api:{name}", **options)


def _id(meeting: Meeting) -> dict:
    return {"id": meeting.pk}


def _create(world) -> dict:
    starts = timezone.now() + timezone.timedelta(days=2)
    return {
        "org_id": world.branch_a1.pk,
        "kind": "theme_day",
        "title": "主题党日 API",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timezone.timedelta(hours=2)).isoformat(),
    }


def _attendance(world) -> list:
    meeting = _meeting(world.branch_a1)
    return [
        {"member_id": row.member_id, "status": AttendanceStatus.PRESENT} for row in meeting.attendances.all()
    ]


A_MEETING = lambda world: _id(_meeting(world.branch_a1))  # noqa: E731
B_MEETING = lambda world: _id(_meeting(world.branch_b1))  # noqa: E731

ROUTES: list[Route] = [
    _api("meeting_list", denied_persona="grid_worker_a"),
    _api("meeting_detail", in_scope=A_MEETING, out_of_scope=B_MEETING, denied_persona="grid_worker_a"),
    _api(
        "meeting_create",
        method="post",
        json=True,
        data=_create,
        allowed_status=201,
        denied_persona="grid_worker_a",
    ),
    _api(
        "meeting_attendance",
        method="post",
        json=True,
        in_scope=A_MEETING,
        out_of_scope=B_MEETING,
        data=_attendance,
        denied_persona="grid_worker_a",
    ),
    _api(
        "meeting_check_in",
        method="post",
        json=True,
        in_scope=lambda world: {"id": _check_in_kwargs(world)["pk"]},
        out_of_scope=B_MEETING,
        data=lambda world: {"token": _check_in_kwargs(world)["token"]},
        two_roles="400",
    ),
    _api(
        "meeting_vote_create",
        method="post",
        json=True,
        in_scope=lambda world: _id(_ready(world.branch_a1)),
        out_of_scope=lambda world: _id(_ready(world.branch_b1)),
        data=lambda world: {"subject": "推荐优秀党员", "in_favour": 1},
        # The ready meeting is a 主题党日: the vote is refused by its rule, after the permission.
        allowed_status=400,
        denied_persona="grid_worker_a",
    ),
    _api(
        "meeting_close",
        method="post",
        in_scope=lambda world: _id(_ready(world.branch_a1)),
        out_of_scope=lambda world: _id(_ready(world.branch_b1)),
        denied_persona="grid_worker_a",
    ),
    # Without ?org= the caller's top organization; an out-of-scope org answers 404 (test_api.py).
    _api("compliance", denied_persona="grid_worker_a"),
]
