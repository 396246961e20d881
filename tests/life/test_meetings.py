"""Planning meetings, recording attendance and closing them by the rules of DOMAIN.md."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.life import services
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.models import Attendance, Meeting
from dangjian.orgs.choices import CommitteeRole, OrgKind
from dangjian.orgs.models import Committee, CommitteeMember
from tests.factories import add_org
from tests.life.helpers import add_member, plain_meeting

pytestmark = pytest.mark.django_db


def _schedule(org, by, kind=MeetingKind.BRANCH_GENERAL, **fields):
    starts_at = fields.pop("starts_at", timezone.now() + datetime.timedelta(days=1))
    return services.schedule_meeting(
        org,
        by=by,
        kind=kind,
        title=fields.pop("title", "学习贯彻会议精神"),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        **fields,
    )


def _attendees(meeting) -> set[str]:
    return {row.member.person.name for row in meeting.attendances.select_related("member__person")}


def test_branch_general_meeting_expects_every_active_member_of_the_branch_and_its_groups(world, secretary_a):
    group = add_org(world.branch_a1, "第一党小组", "G0001", OrgKind.GROUP)
    add_member(world.branch_a1, "张三")
    add_member(group, "李四")
    add_member(world.branch_a1, "王五", is_active=False)
    add_member(world.branch_b1, "赵六")

    meeting = _schedule(world.branch_a1, secretary_a)

    assert _attendees(meeting) == {"张三", "李四"}
    assert meeting.state == MeetingState.PLANNED
    assert all(row.status == "" for row in meeting.attendances.all())


def test_group_meeting_expects_only_the_groups_members(world, secretary_a):
    group = add_org(world.branch_a1, "第一党小组", "G0001", OrgKind.GROUP)
    add_member(world.branch_a1, "张三")
    add_member(group, "李四")

    meeting = _schedule(group, secretary_a, kind=MeetingKind.GROUP)

    assert _attendees(meeting) == {"李四"}


def test_committee_meeting_expects_the_sitting_committee_members(world, secretary_a):
    sitting = add_member(world.branch_a1, "周书记")
    former = add_member(world.branch_a1, "吴委员")
    add_member(world.branch_a1, "普通党员")
    committee = Committee.objects.create(
        org=world.branch_a1, elected_on=datetime.date(2024, 1, 1), term_years=5
    )
    CommitteeMember.objects.create(committee=committee, person=sitting.person, role=CommitteeRole.SECRETARY)
    CommitteeMember.objects.create(
        committee=committee,
        person=former.person,
        role=CommitteeRole.ORGANIZATION,
        ended_on=datetime.date(2025, 1, 1),
    )

    meeting = _schedule(world.branch_a1, secretary_a, kind=MeetingKind.COMMITTEE)

    assert _attendees(meeting) == {"周书记"}


def test_scheduling_writes_an_audit_line_with_the_number_of_attendees(world, secretary_a):
    add_member(world.branch_a1, "张三")

    meeting = _schedule(world.branch_a1, secretary_a)

    entry = AuditEntry.objects.get(object_type="life.meeting", object_id=str(meeting.pk))
    assert entry.action == "create"
    assert entry.username == "secretary_a"
    assert entry.org_path == world.branch_a1.path
    assert "1" in entry.note


def test_secretary_cannot_schedule_a_meeting_in_another_community(world, secretary_a):
    with pytest.raises(PermissionDenied):
        _schedule(world.branch_b1, secretary_a)
    assert not Meeting.objects.exists()


def test_a_meeting_must_end_after_it_starts(world, secretary_a):
    starts_at = timezone.now()
    with pytest.raises(RuleViolation) as refused:
        services.schedule_meeting(
            world.branch_a1,
            by=secretary_a,
            kind=MeetingKind.LECTURE,
            title="党课",
            starts_at=starts_at,
            ends_at=starts_at,
        )
    assert refused.value.rule == "meeting_times"


def test_recording_attendance_with_a_leave_reason_is_stored_and_audited(world, secretary_a):
    member = add_member(world.branch_a1, "张三")
    meeting = _schedule(world.branch_a1, secretary_a)

    services.record_attendance(
        meeting, member, status=AttendanceStatus.ABSENT_SICK, reason="住院", by=secretary_a
    )

    row = Attendance.objects.get(meeting=meeting, member=member)
    assert (row.status, row.reason) == (AttendanceStatus.ABSENT_SICK, "住院")
    assert AuditEntry.objects.filter(object_type="life.attendance", object_id=str(row.pk)).exists()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD


def test_attendance_of_someone_not_expected_is_refused(world, secretary_a):
    meeting = _schedule(world.branch_a1, secretary_a)
    stranger = add_member(world.branch_b1, "赵六")

    with pytest.raises(RuleViolation) as refused:
        services.record_attendance(meeting, stranger, status=AttendanceStatus.PRESENT, by=secretary_a)
    assert refused.value.rule == "expected_attendee"


def test_closing_without_minutes_is_refused(world, secretary_a):
    member = add_member(world.branch_a1, "张三")
    meeting = _schedule(world.branch_a1, secretary_a, kind=MeetingKind.THEME_DAY)
    services.record_attendance(meeting, member, status=AttendanceStatus.PRESENT, by=secretary_a)

    with pytest.raises(RuleViolation) as refused:
        services.close_meeting(meeting, by=secretary_a)

    assert refused.value.rule == "minutes_required"
    meeting.refresh_from_db()
    assert meeting.state != MeetingState.CLOSED


def test_closing_with_attendance_missing_for_someone_is_refused(world, secretary_a):
    member = add_member(world.branch_a1, "张三")
    add_member(world.branch_a1, "李四")
    meeting = _schedule(world.branch_a1, secretary_a, kind=MeetingKind.THEME_DAY, minutes="学习讨论")
    services.record_attendance(meeting, member, status=AttendanceStatus.PRESENT, by=secretary_a)

    with pytest.raises(RuleViolation) as refused:
        services.close_meeting(meeting, by=secretary_a)

    assert refused.value.rule == "attendance_required"
    assert "1" in refused.value.message


# A 党员大会 that took no vote closes with any attendance; its quorum with a vote is tested in
# test_meeting_votes.py (支部工作条例 第十一条).
@pytest.mark.parametrize("kind", [MeetingKind.COMMITTEE])
def test_closing_a_voting_meeting_with_half_present_is_refused_by_the_quorum_rule(world, secretary_a, kind):
    members = [add_member(world.branch_a1, name) for name in ("甲", "乙", "丙", "丁")]
    committee = Committee.objects.create(
        org=world.branch_a1, elected_on=datetime.date(2024, 1, 1), term_years=5
    )
    for member in members:
        CommitteeMember.objects.create(
            committee=committee, person=member.person, role=CommitteeRole.ORGANIZATION
        )
    meeting = _schedule(world.branch_a1, secretary_a, kind=kind, minutes="表决事项")
    for member, status in zip(members, ["present", "present", "absent_sick", "absent_personal"], strict=True):
        services.record_attendance(meeting, member, status=status, by=secretary_a)

    with pytest.raises(RuleViolation) as refused:
        services.close_meeting(meeting, by=secretary_a)

    assert refused.value.rule == "quorum"
    assert "2" in refused.value.message and "4" in refused.value.message


def test_closing_a_branch_general_meeting_with_a_majority_present_succeeds_and_is_audited(world, secretary_a):
    members = [add_member(world.branch_a1, name) for name in ("甲", "乙", "丙")]
    meeting = _schedule(world.branch_a1, secretary_a, minutes="选举产生新一届支委会")
    for member, status in zip(members, ["present", "present", "absent_official"], strict=True):
        services.record_attendance(meeting, member, status=status, by=secretary_a)

    closed = services.close_meeting(meeting, by=secretary_a)

    assert closed.state == MeetingState.CLOSED
    assert closed.closed_at is not None
    assert AuditEntry.objects.filter(
        object_type="life.meeting", object_id=str(meeting.pk), changes__state=["held", "closed"]
    ).exists()
    with pytest.raises(RuleViolation) as refused:
        services.record_attendance(meeting, members[2], status="present", by=secretary_a)
    assert refused.value.rule == "meeting_closed"


def test_a_theme_day_closes_without_a_quorum(world, secretary_a):
    members = [add_member(world.branch_a1, name) for name in ("甲", "乙", "丙")]
    meeting = _schedule(world.branch_a1, secretary_a, kind=MeetingKind.THEME_DAY, minutes="志愿服务")
    for member, status in zip(members, ["present", "absent_unexcused", "absent_sick"], strict=True):
        services.record_attendance(meeting, member, status=status, by=secretary_a)

    assert services.close_meeting(meeting, by=secretary_a).state == MeetingState.CLOSED


def test_editing_a_meeting_with_a_stale_version_is_refused(world, secretary_a):
    meeting = _schedule(world.branch_a1, secretary_a)
    services.update_meeting(meeting, by=secretary_a, expected_version=1, place="会议室")

    with pytest.raises(RuleViolation) as refused:
        services.update_meeting(meeting, by=secretary_a, expected_version=1, place="礼堂")
    assert refused.value.rule == "concurrent_change"


# --- Pages ---------------------------------------------------------------------------------------


def test_secretary_gets_404_for_a_meeting_of_community_b(client, world, secretary_a):
    meeting = plain_meeting(world.branch_b1, "光明社区主题党日")
    client.force_login(secretary_a)

    for name in ("life:meeting_detail", "life:meeting_edit", "life:attendance_edit", "life:meeting_close"):
        assert client.get(reverse(name, kwargs={"pk": meeting.pk})).status_code == 404


def test_meeting_list_shows_only_meetings_in_scope(client, world, secretary_a):
    plain_meeting(world.branch_a1, "幸福社区主题党日")
    plain_meeting(world.branch_b1, "光明社区主题党日")
    client.force_login(secretary_a)

    response = client.get(reverse("life:meeting_list"))

    assert response.status_code == 200
    assert "幸福社区主题党日" in response.content.decode()
    assert "光明社区主题党日" not in response.content.decode()


def test_meeting_list_filters_by_kind_state_and_month(client, world, secretary_a):
    plain_meeting(world.branch_a1, "本月主题党日")
    plain_meeting(world.branch_a1, "本月党课", kind=MeetingKind.LECTURE)
    plain_meeting(world.branch_a1, "往年主题党日", starts_in=datetime.timedelta(days=-400))
    client.force_login(secretary_a)
    month = timezone.localtime(timezone.now() + datetime.timedelta(minutes=10)).strftime("%Y-%m")

    body = client.get(
        reverse("life:meeting_list"), {"kind": MeetingKind.THEME_DAY, "state": "planned", "month": month}
    ).content.decode()

    assert "本月主题党日" in body
    assert "本月党课" not in body
    assert "往年主题党日" not in body


def test_meeting_list_costs_the_same_queries_for_3_and_30_meetings(client, world, secretary_a):
    add_member(world.branch_a1, "张三")
    client.force_login(secretary_a)
    url = reverse("life:meeting_list")

    def count_with(total: int) -> int:
        while Meeting.objects.count() < total:
            plain_meeting(world.branch_a1, f"会议{Meeting.objects.count()}")
        client.get(url)  # warm the session and the role cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)


def test_planning_a_meeting_through_the_page_fills_attendees(client, world, secretary_a):
    add_member(world.branch_a1, "张三")
    client.force_login(secretary_a)

    response = client.post(
        reverse("life:meeting_create", kwargs={"org_pk": world.branch_a1.pk}),
        {
            "kind": MeetingKind.BRANCH_GENERAL,
            "title": "第四季度支部党员大会",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-01T11:00",
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("life:meeting_detail", kwargs={"pk": meeting.pk})
    assert _attendees(meeting) == {"张三"}


def test_closing_page_shows_the_refusal_with_the_rule(client, world, secretary_a):
    meeting = plain_meeting(world.branch_a1, "未写记录的会议")
    client.force_login(secretary_a)

    response = client.post(reverse("life:meeting_close", kwargs={"pk": meeting.pk}))

    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state != MeetingState.CLOSED


def test_attendance_page_records_the_sheet(client, world, secretary_a):
    member = add_member(world.branch_a1, "张三")
    meeting = plain_meeting(world.branch_a1, "主题党日")
    row = Attendance.objects.get(meeting=meeting, member=member)
    client.force_login(secretary_a)

    response = client.post(
        reverse("life:attendance_edit", kwargs={"pk": meeting.pk}),
        {f"status_{row.pk}": AttendanceStatus.ABSENT_PERSONAL, f"reason_{row.pk}": "外出"},
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.reason) == (AttendanceStatus.ABSENT_PERSONAL, "外出")
