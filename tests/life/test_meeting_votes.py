"""The 支部党员大会 and its votes (支部工作条例 第十一条): a meeting that votes needs more than half
of the members with a vote present — 预备党员 and members under 留党察看 have none — and a
motion passes with more than half of 应到会有表决权; a meeting that takes no vote is closed with
any attendance."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.life import services
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.models import Attendance, Meeting
from dangjian.members.choices import MemberStatus
from tests.life.helpers import plain_meeting
from tests.members.restriction_data import full_member, party_groups, under_probation

TODAY = timezone.localdate()


def _general_meeting(org) -> Meeting:
    return plain_meeting(org, "第二季度支部党员大会", kind=MeetingKind.BRANCH_GENERAL, minutes="学习讨论。")


def _attend(meeting: Meeting, present: list) -> None:
    Attendance.objects.filter(meeting=meeting).update(status=AttendanceStatus.ABSENT_PERSONAL)
    Attendance.objects.filter(meeting=meeting, member__in=present).update(status=AttendanceStatus.PRESENT)


@pytest.fixture
def branch(world):
    """5 正式党员 (one of them under 留党察看, so 4 with a vote) and 4 预备党员."""
    full = [full_member(world.branch_a1) for _ in range(5)]
    under_probation(full[4], starts_on=TODAY - datetime.timedelta(days=90))
    probationary = [
        full_member(world.branch_a1, status=MemberStatus.PROBATIONARY, regularized_on=None) for _ in range(4)
    ]
    return full, probationary


def test_branch_rules_article_11_general_meeting_without_a_vote_closes_with_any_attendance(
    world, secretary_a, branch
):
    full, _probationary = branch
    meeting = _general_meeting(world.branch_a1)
    _attend(meeting, full[:1])  # 1 of 9 present

    closed = services.close_meeting(meeting, by=secretary_a)

    assert closed.state == MeetingState.CLOSED


def test_branch_rules_article_11_quorum_with_a_vote_counts_only_full_members_with_a_vote(
    world, secretary_a, branch
):
    full, probationary = branch
    meeting = _general_meeting(world.branch_a1)
    # 7 of 9 attendees present, but only 2 of the 4 members with a vote: no quorum for a vote.
    _attend(meeting, [*full[:2], full[4], *probationary])
    with pytest.raises(RuleViolation) as refused:
        services.record_vote(meeting, subject="推荐优秀党员", in_favour=2, by=secretary_a)
    assert refused.value.rule == "quorum"
    assert (
        "第十一条" in refused.value.message and "2" in refused.value.message and "4" in refused.value.message
    )

    _attend(meeting, full[:3] + probationary)  # 3 of the 4 with a vote
    vote = services.record_vote(meeting, subject="推荐优秀党员", in_favour=3, by=secretary_a)
    assert vote.passed and (vote.voters, vote.present_with_vote) == (4, 3)
    assert AuditEntry.objects.filter(object_type="life.meetingvote", action=AuditAction.CREATE).exists()


def test_branch_rules_article_11_a_motion_passes_with_more_than_half_of_the_voters_expected(
    world, secretary_a, branch
):
    full, probationary = branch
    meeting = _general_meeting(world.branch_a1)
    _attend(meeting, full[:3] + probationary)
    # 2 in favour of 4 with a vote: half is not more than half, whatever the 预备党员 present.
    vote = services.record_vote(meeting, subject="发展党员的讨论", in_favour=2, against=1, by=secretary_a)
    assert not vote.passed
    with pytest.raises(RuleViolation) as refused:
        services.record_vote(meeting, subject="超出到会人数", in_favour=3, against=1, by=secretary_a)
    assert refused.value.rule == "vote_counts"


def test_branch_rules_article_11_a_meeting_that_voted_is_not_closed_once_the_quorum_is_gone(
    world, secretary_a, branch
):
    full, probationary = branch
    meeting = _general_meeting(world.branch_a1)
    _attend(meeting, full[:3])
    services.record_vote(meeting, subject="推荐优秀党员", in_favour=3, by=secretary_a)
    _attend(meeting, full[:2] + probationary)  # attendance corrected afterwards
    with pytest.raises(RuleViolation) as refused:
        services.close_meeting(meeting, by=secretary_a)
    assert refused.value.rule == "quorum"


def test_branch_rules_article_11_members_of_the_party_groups_count_among_the_voters(world, secretary_a):
    direct = [full_member(world.branch_a1) for _ in range(2)]
    grouped = party_groups(world.branch_a1, [4, 4])
    meeting = _general_meeting(world.branch_a1)
    _attend(meeting, direct + grouped[0][:2])  # 4 of 10
    with pytest.raises(RuleViolation):
        services.record_vote(meeting, subject="推荐优秀党员", in_favour=4, by=secretary_a)


def test_a_committee_meeting_still_needs_more_than_half_present(world, secretary_a):
    full = [full_member(world.branch_a1) for _ in range(4)]
    meeting = plain_meeting(world.branch_a1, "支委会", kind=MeetingKind.COMMITTEE, minutes="研究工作。")
    Attendance.objects.filter(meeting=meeting).delete()
    for member in full:
        Attendance.objects.create(meeting=meeting, member=member, status=AttendanceStatus.ABSENT_SICK)
    Attendance.objects.filter(meeting=meeting, member=full[0]).update(status=AttendanceStatus.PRESENT)
    with pytest.raises(RuleViolation) as refused:
        services.close_meeting(meeting, by=secretary_a)
    assert refused.value.rule == "quorum"


def test_the_meeting_page_records_a_vote(client, world, secretary_a, branch):
    full, _probationary = branch
    meeting = _general_meeting(world.branch_a1)
    _attend(meeting, full[:4])
    client.force_login(secretary_a)
    response = client.post(
        reverse("life:meeting_vote_add", kwargs={"pk": meeting.pk}),
        {"subject": "推荐优秀党员", "in_favour": 4, "against": 0, "abstain": 0},
    )
    assert response.status_code == 302
    page = client.get(reverse("life:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "推荐优秀党员" in page
    assert meeting.votes.get().passed
