"""The meetings API (/api/v1/life): the same rules as the pages, answered as JSON."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.models import Meeting
from tests.life.helpers import add_member, link_member, mark_all, plain_meeting

pytestmark = pytest.mark.django_db


def test_meeting_list_pages_by_keyset_in_scope(client, world, secretary_a):
    for index in range(5):
        plain_meeting(world.branch_a1, f"会议{index}", starts_in=datetime.timedelta(days=index))
    plain_meeting(world.branch_b1, "光明社区会议")
    client.force_login(secretary_a)
    url = reverse("api:meeting_list")

    first = client.get(url, {"limit": 3}).json()
    second = client.get(url, {"limit": 3, "cursor": first["next_cursor"]}).json()

    titles = [row["title"] for row in first["items"] + second["items"]]
    assert titles == ["会议4", "会议3", "会议2", "会议1", "会议0"]
    assert second["next_cursor"] is None


def test_meeting_list_filters_by_kind_and_state(client, world, secretary_a):
    plain_meeting(world.branch_a1, "党课", kind=MeetingKind.LECTURE)
    plain_meeting(world.branch_a1, "主题党日")
    client.force_login(secretary_a)

    rows = client.get(reverse("api:meeting_list"), {"kind": "lecture", "state": "planned"}).json()["items"]

    assert [row["title"] for row in rows] == ["党课"]


def test_meeting_list_costs_the_same_queries_for_3_and_30_meetings(client, world, secretary_a):
    add_member(world.branch_a1, "张三")
    client.force_login(secretary_a)
    url = reverse("api:meeting_list")

    def count_with(total: int) -> int:
        while Meeting.objects.count() < total:
            plain_meeting(world.branch_a1, f"会议{Meeting.objects.count()}")
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)


def test_schedule_attendance_and_close_through_the_api(client, world, secretary_a):
    zhang = add_member(world.branch_a1, "张三")
    li = add_member(world.branch_a1, "李四")
    client.force_login(secretary_a)
    starts = timezone.now() - datetime.timedelta(hours=1)

    created = client.post(
        reverse("api:meeting_create"),
        {
            "org_id": world.branch_a1.pk,
            "kind": "branch_general",
            "title": "第四季度支部党员大会",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + datetime.timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    meeting_id = created.json()["id"]
    assert {row["member_name"] for row in created.json()["attendance"]} == {"张三", "李四"}

    attendance = client.post(
        reverse("api:meeting_attendance", kwargs={"id": meeting_id}),
        [
            {"member_id": zhang.pk, "status": "present"},
            {"member_id": li.pk, "status": "absent_sick", "reason": "住院"},
        ],
        content_type="application/json",
    )
    assert attendance.status_code == 200

    # 1 of 2 present: not more than half, so a vote is refused by the quorum rule (支部工作条例
    # 第十一条), with its Chinese message; the meeting that took no vote would close.
    Meeting.objects.filter(pk=meeting_id).update(minutes="会议记录")
    refused = client.post(
        reverse("api:meeting_vote_create", kwargs={"id": meeting_id}),
        {"subject": "推荐优秀党员", "in_favour": 1},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["rule"] == "quorum"
    assert "第十一条" in refused.json()["detail"]

    client.post(
        reverse("api:meeting_attendance", kwargs={"id": meeting_id}),
        [{"member_id": li.pk, "status": "present"}],
        content_type="application/json",
    )
    voted = client.post(
        reverse("api:meeting_vote_create", kwargs={"id": meeting_id}),
        {"subject": "推荐优秀党员", "in_favour": 2},
        content_type="application/json",
    )
    assert voted.status_code == 201 and voted.json()["passed"] and voted.json()["voters"] == 2
    closed = client.post(reverse("api:meeting_close", kwargs={"id": meeting_id}))
    assert closed.status_code == 200
    assert closed.json()["state"] == MeetingState.CLOSED


def test_check_in_outside_the_window_is_refused_with_400(client, world, secretary_a):
    meeting = plain_meeting(world.branch_a1, "明天的会", starts_in=datetime.timedelta(days=1))
    member = link_member(secretary_a, world.branch_a1)
    meeting.attendances.get_or_create(member=member)
    client.force_login(secretary_a)

    response = client.post(
        reverse("api:meeting_check_in", kwargs={"id": meeting.pk}),
        {"token": meeting.check_in_token},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["rule"] == "check_in"
    assert "签到" in response.json()["detail"]


def test_check_in_within_the_window_marks_present(client, world, secretary_a):
    meeting = plain_meeting(world.branch_a1, "正在开的会", starts_in=-datetime.timedelta(minutes=5))
    member = link_member(secretary_a, world.branch_a1)
    meeting.attendances.get_or_create(member=member)
    client.force_login(secretary_a)

    response = client.post(
        reverse("api:meeting_check_in", kwargs={"id": meeting.pk}),
        {"token": meeting.check_in_token},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == AttendanceStatus.PRESENT


def test_a_meeting_of_another_community_answers_404(client, world, secretary_a):
    meeting = plain_meeting(world.branch_b1, "光明社区会议")
    client.force_login(secretary_a)
    assert client.get(reverse("api:meeting_detail", kwargs={"id": meeting.pk})).status_code == 404
    assert client.post(reverse("api:meeting_close", kwargs={"id": meeting.pk})).status_code == 404


def test_compliance_data_lists_every_branch_of_the_subtree(client, world, district_admin):
    last_year = timezone.localdate().year - 1
    meeting = plain_meeting(world.branch_a1, "党员大会", kind=MeetingKind.BRANCH_GENERAL, minutes="记录")
    mark_all(meeting)
    client.force_login(district_admin)

    data = client.get(reverse("api:compliance"), {"org": world.street_org.pk, "year": last_year}).json()

    by_org = {unit["org_id"]: unit for unit in data["units"]}
    assert set(by_org) == {world.branch_a1.pk, world.branch_b1.pk}
    general = next(kind for kind in by_org[world.branch_b1.pk]["kinds"] if kind["kind"] == "branch_general")
    assert (general["required"], general["held"], general["missing"]) == (4, 0, 4)
