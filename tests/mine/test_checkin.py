"""Checking in to today's meeting from 我的 goes through life's own check-in: its window, its list
of expected attendees, its audit line."""

from __future__ import annotations

import datetime

from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.life.choices import AttendanceStatus, MeetingState
from dangjian.life.models import Attendance
from tests.mine.helpers import meeting_with, member_user


def _row(meeting, user) -> Attendance:
    return Attendance.objects.get(meeting=meeting, member__person=user.person)


def test_a_member_checks_in_to_todays_meeting_from_mine(client, world):
    me = member_user(world.branch_a1, "member_a", "张党员")
    other = member_user(world.branch_a1, "member_other", "李他人")
    meeting = meeting_with(
        [me.person.membership, other.person.membership],
        "今日主题党日",
        starts_in=datetime.timedelta(minutes=10),
    )
    client.force_login(me)
    overview = client.get(reverse("mine:index")).content.decode()
    action = reverse("mine:meeting_checkin", kwargs={"pk": meeting.pk})
    assert f'action="{action}"' in overview
    assert meeting.check_in_token not in overview  # the QR secret never reaches the page
    response = client.post(action, {"next": "index"})
    assert response.status_code == 302 and response["Location"] == reverse("mine:index")
    row = _row(meeting, me)
    assert row.status == AttendanceStatus.PRESENT and row.checked_in_at is not None
    assert _row(meeting, other).checked_in_at is None
    assert AuditEntry.objects.filter(object_id=str(row.pk), username="member_a").exists()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    overview = client.get(reverse("mine:index")).content.decode()
    assert f'action="{action}"' not in overview


def test_no_check_in_before_the_window_opens(client, world):
    me = member_user(world.branch_a1, "member_a", "张党员")
    meeting = meeting_with([me.person.membership], "明日党课", starts_in=datetime.timedelta(days=1))
    client.force_login(me)
    page = client.get(reverse("mine:meetings")).content.decode()
    action = reverse("mine:meeting_checkin", kwargs={"pk": meeting.pk})
    assert f'action="{action}"' not in page
    response = client.post(action, {"next": "meetings"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mine:meetings")
    assert _row(meeting, me).checked_in_at is None
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_no_check_in_to_a_closed_meeting(client, world):
    me = member_user(world.branch_a1, "member_a", "张党员")
    meeting = meeting_with(
        [me.person.membership], "已结束", starts_in=-datetime.timedelta(minutes=30), state=MeetingState.CLOSED
    )
    client.force_login(me)
    client.post(reverse("mine:meeting_checkin", kwargs={"pk": meeting.pk}))
    assert _row(meeting, me).checked_in_at is None
