"""Permission table of the organizational-life pages: meetings, attendance, closing, QR check-in.

``in_scope`` uses meetings of 社区A's branch (secretary_a's subtree), ``out_of_scope`` 社区B's.
The check-in page is reached by the token in the QR code rather than by scope: a wrong token
answers 404, which is what the out-of-scope rows check; secretary_a is made an expected
attendee of the open meeting so the POST row checks a real check-in.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.life.choices import AttendanceStatus, MeetingKind, ReviewGrade
from dangjian.life.models import Attendance, Meeting, MeetingAttachment
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


def _review(org) -> Meeting:
    """A 民主评议 meeting of ``org`` with one expected attendee."""
    meeting = Meeting.objects.filter(org=org, kind=MeetingKind.DEMOCRATIC_REVIEW).first()
    if meeting is None:
        add_member(org, "周评")
        meeting = plain_meeting(
            org, "民主评议 routes", kind=MeetingKind.DEMOCRATIC_REVIEW, starts_in=-datetime.timedelta(days=1)
        )
    return meeting


def _review_form(world) -> dict:
    meeting = _review(world.branch_a1)
    return {f"grade_{row.member_id}": ReviewGrade.QUALIFIED for row in meeting.attendances.all()}


def _attachment(org) -> MeetingAttachment:
    meeting = _meeting(org)
    item = MeetingAttachment.objects.filter(meeting=meeting).first()
    if item is None:
        item = MeetingAttachment(
            meeting=meeting, original_name="签到表.pdf", content_type="application/pdf", size=9
        )
        item.file.save("签到表.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        item.save()
    return item


A_MEETING = lambda world: _pk(_meeting(world.branch_a1))  # noqa: E731
B_MEETING = lambda world: _pk(_meeting(world.branch_b1))  # noqa: E731
A_BRANCH = lambda world: {"org_pk": world.branch_a1.pk}  # noqa: E731
B_BRANCH = lambda world: {"org_pk": world.branch_b1.pk}  # noqa: E731
A_REVIEW = lambda world: _pk(_review(world.branch_a1))  # noqa: E731
B_REVIEW = lambda world: _pk(_review(world.branch_b1))  # noqa: E731
A_FILE = lambda world: _pk(_attachment(world.branch_a1))  # noqa: E731
B_FILE = lambda world: _pk(_attachment(world.branch_b1))  # noqa: E731

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
        "life:meeting_vote_add",
        method="post",
        in_scope=lambda w: _pk(_ready(w.branch_a1)),
        out_of_scope=lambda w: _pk(_ready(w.branch_b1)),
        data=lambda world: {"subject": "推荐优秀党员", "in_favour": 1, "against": 0, "abstain": 0},
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
    Route(
        "life:meeting_minutes_pdf", in_scope=A_MEETING, out_of_scope=B_MEETING, denied_persona="grid_worker_a"
    ),
    Route("life:review_entry", in_scope=A_REVIEW, out_of_scope=B_REVIEW, denied_persona="grid_worker_a"),
    Route(
        "life:review_entry",
        method="post",
        in_scope=A_REVIEW,
        out_of_scope=B_REVIEW,
        data=_review_form,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("life:attachment_add", in_scope=A_MEETING, out_of_scope=B_MEETING, denied_persona="grid_worker_a"),
    Route(
        "life:attachment_add",
        method="post",
        in_scope=A_MEETING,
        out_of_scope=B_MEETING,
        data=lambda world: {
            "file": SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n", content_type="application/pdf")
        },
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("life:attachment_download", in_scope=A_FILE, out_of_scope=B_FILE, denied_persona="grid_worker_a"),
    Route("life:attachment_delete", in_scope=A_FILE, out_of_scope=B_FILE, denied_persona="grid_worker_a"),
    Route(
        "life:attachment_delete",
        method="post",
        in_scope=A_FILE,
        out_of_scope=B_FILE,
        data=lambda world: {},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    # Without ?org= these show the persona's own top organization; out-of-scope ?org= answers
    # 404 (tests/life/test_compliance.py, test_silent_branches.py).
    Route("life:compliance", denied_persona="grid_worker_a"),
    Route("life:compliance_export", denied_persona="grid_worker_a"),
    Route("life:silent_branches", denied_persona="grid_worker_a"),
]
