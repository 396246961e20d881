"""Properties of a 支部党员大会's vote (支部工作条例 第十一条, DOMAIN.md "Organizational life"), for
any attendance and tally of a branch of seven 正式党员: the vote is refused unless more than half
of the members with a vote are present, and the motion passes exactly when more than half of
应到会有表决权 (all seven, not those present) are in favour — 3.5 is the line, so 4 passes, 3 not."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.core.errors import RuleViolation
from dangjian.life import services
from dangjian.life.choices import AttendanceStatus, MeetingKind
from dangjian.life.models import Attendance
from tests.life.helpers import plain_meeting
from tests.members.restriction_data import full_member

VOTERS = 7


@st.composite
def tallies(draw):
    present = draw(st.integers(min_value=0, max_value=VOTERS))
    in_favour = draw(st.integers(min_value=0, max_value=present))
    against = draw(st.integers(min_value=0, max_value=present - in_favour))
    return present, in_favour, against


@pytest.fixture
def branch_meeting(world):
    members = [full_member(world.branch_a1) for _ in range(VOTERS)]
    meeting = plain_meeting(
        world.branch_a1, "支部党员大会", kind=MeetingKind.BRANCH_GENERAL, minutes="讨论。"
    )
    return meeting, members


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tally=tallies())
def test_a_motion_passes_exactly_with_more_than_half_of_the_voters_expected(
    branch_meeting, secretary_a, tally
):
    meeting, members = branch_meeting
    present, in_favour, against = tally
    with transaction.atomic():
        Attendance.objects.filter(meeting=meeting).update(status=AttendanceStatus.ABSENT_PERSONAL)
        Attendance.objects.filter(meeting=meeting, member__in=members[:present]).update(
            status=AttendanceStatus.PRESENT
        )
        try:
            vote = services.record_vote(
                meeting, subject="动议", in_favour=in_favour, against=against, by=secretary_a
            )
        except RuleViolation as refused:
            assert refused.rule == "quorum"
            assert Fraction(present, VOTERS) <= Fraction(1, 2)
        else:
            assert Fraction(present, VOTERS) > Fraction(1, 2)
            assert vote.voters == VOTERS and vote.present_with_vote == present
            assert vote.passed == (Fraction(in_favour, VOTERS) > Fraction(1, 2))
        transaction.set_rollback(True)
