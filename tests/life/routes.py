"""Permission table of the organizational-life pages: meetings, attendance, closing, QR check-in.

``in_scope`` uses meetings of 社区A's branch (secretary_a's subtree), ``out_of_scope`` 社区B's.
The check-in page is reached by the token in the QR code rather than by scope: a wrong token
answers 404, which is what the out-of-scope rows check; secretary_a is made an expected
attendee of the open meeting so the POST row checks a real check-in.
"""

from __future__ import annotations

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.life.choices import AttendanceStatus, MeetingKind
from dangjian.life.models import Attendance, Meeting
from tests.life.helpers import add_member, link_member, mark_all, plain_meeting
from tests.permissions import Route


def _meeting(org, title: str = "主题党日 routes") -> Meeting:
    meeting = Meeting.objects.filter(org=org, title=title).first()
    if meeting is None:
        add_member(org, "孙红")
        meeting = plain_meeting(org, title)
    return meeting


def _ready(org) -> Meeting:
    """A meeting that may be closed: minutes written, everyone present."""
    meeting = Meeting.objects.filter(org=org, title="ready routes").first()
    if meeting is None:
        add_member(org, "钱明")
        meeting = plain_meeting(org, "ready routes", minutes="会议记录：学习讨论。")
        mark_all(meeting)
    return meeting


def _pk(meeting: Meeting) -> dict:
    return {"pk": meeting.pk}


def _check_in_kwargs(world) -> dict:
    meeting = _meeting(world.branch_a1)
    user = User.objects.filter(username="secretary_a").first()
    if user is not None:
        member = link_member(user, world.branch_a1)
        Attendance.objects.get_or_create(meeting=meeting, member=member)
    return {"pk": meeting.pk, "token": meeting.check_in_token}


def _meeting_form(world, meeting: Meeting | None = None) -> dict:
    starts = timezone.localtime() + timezone.timedelta(days=3)
    data = {
        "kind": MeetingKind.BRANCH_GENERAL,
        "title": "第四季度支部党员大会",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timezone.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "党群服务中心",
    }
    if meeting is not None:
        data["version"] = meeting.version
    return data


def _attendance_form(world) -> dict:
    meeting = _meeting(world.branch_a1)
    return {f"status_{row.pk}": AttendanceStatus.PRESENT for row in meeting.attendances.all()}


A_MEETING = lambda world: _pk(_meeting(world.branch_a1))  # noqa: E731
B_MEETING = lambda world: _pk(_meeting(world.branch_b1))  # noqa: E731
A_BRANCH = lambda world: {"org_pk": world.branch_a1.pk}  # noqa: E731
B_BRANCH = lambda world: {"org_pk": world.branch_b1.pk}  # noqa: E731

ROUTES: list[Route] = [
    Route("life:meeting_list", denied_persona="resident"),
    Route("life:meeting_detail", in_scope=A_MEETING, out_of_scope=B_MEETING, denied_persona="grid_worker_a"),
    Route("life:meeting_create", in_scope=A_BRANCH, out_of_scope=B_BRANCH, denied_persona="grid_worker_a"),
    Route(
        "life:meeting_create",
        method="post",
        in_scope=A_BRANCH,
        out_of_scope=B_BRANCH,
        data=_meeting_form,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("life:meeting_edit", in_scope=A_MEETING, out_of_scope=B_MEETING, denied_persona="grid_worker_a"),
    Route(
        "life:meeting_edit",
        method="post",
        in_scope=A_MEETING,
        out_of_scope=B_MEETING,
        data=lambda world: _meeting_form(world, _meeting(world.branch_a1)),
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("life:attendance_edit", in_scope=A_MEETING, out_of_scope=B_MEETING, denied_persona="grid_worker_a"),
    Route(
        "life:attendance_edit",
        method="post",
        in_scope=A_MEETING,
        out_of_scope=B_MEETING,
        data=_attendance_form,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route(
        "life:meeting_close",
        in_scope=lambda w: _pk(_ready(w.branch_a1)),
        out_of_scope=lambda w: _pk(_ready(w.branch_b1)),
        denied_persona="grid_worker_a",
    ),
    Route(
        "life:meeting_close",
        method="post",
        in_scope=lambda w: _pk(_ready(w.branch_a1)),
        out_of_scope=lambda w: _pk(_ready(w.branch_b1)),
        data=lambda world: {},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route(
        "life:meeting_checkin",
        in_scope=_check_in_kwargs,
        out_of_scope=lambda w: {"pk": _meeting(w.branch_b1).pk, "token": "not-the-token"},
    ),
    Route(
        "life:meeting_checkin",
        method="post",
        in_scope=_check_in_kwargs,
        out_of_scope=lambda w: {"pk": _meeting(w.branch_b1).pk, "token": "not-the-token"},
        data=lambda world: {},
        allowed_status=302,
    ),
]
