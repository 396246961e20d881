"""Who counts in a 支部大会 vote on admission: the whole branch with its 党小组 (细则第二十条、
第二十一条), the written opinions of absent voters (第二十一条), and members under 留党察看, who
have no vote and cannot be 入党介绍人 (第十四条)."""

from __future__ import annotations

import datetime

import pytest

from dangjian.core.errors import RuleViolation
from dangjian.development import services
from dangjian.development.choices import Stage
from tests.development.helpers import full_members, new_applicant, plus, walk, years_ago
from tests.members.restriction_data import full_member, party_groups, under_probation


@pytest.fixture
def branch_of_thirty(world):
    """30 正式党员: 5 recorded in the branch itself, 25 in its three 党小组."""
    direct = full_members(world.branch_a1)
    groups = party_groups(world.branch_a1, [9, 8, 8])
    return direct, [member for group in groups for member in group]


def _ready_for_vote(world, secretary_a, members):
    applicant = new_applicant(world.branch_a1, secretary_a)
    date = walk(applicant, secretary_a, members, until="preliminary_review")
    return applicant, plus(date, 10)


def test_xize_article_20_thirty_member_branch_with_party_groups_refuses_six_present(
    world, secretary_a, branch_of_thirty
):
    direct, _grouped = branch_of_thirty
    applicant, date = _ready_for_vote(world, secretary_a, direct)
    with pytest.raises(RuleViolation) as refused:
        services.record_step(applicant, "branch_meeting", date, by=secretary_a, present=6, in_favour=6)
    assert refused.value.rule == "branch_meeting.vote"
    assert "30" in refused.value.message
    applicant.refresh_from_db()
    assert applicant.stage == Stage.CANDIDATE


def test_xize_article_21_thirty_member_branch_needs_more_than_fifteen_in_favour(
    world, secretary_a, branch_of_thirty
):
    direct, _grouped = branch_of_thirty
    applicant, date = _ready_for_vote(world, secretary_a, direct)
    with pytest.raises(RuleViolation) as refused:
        services.record_step(applicant, "branch_meeting", date, by=secretary_a, present=20, in_favour=15)
    assert "15" in refused.value.message and "30" in refused.value.message
    record = services.record_step(applicant, "branch_meeting", date, by=secretary_a, present=16, in_favour=16)
    assert record.values["voters"] == 30


def test_xize_article_21_written_opinion_counts(world, secretary_a, branch_of_thirty):
    direct, grouped = branch_of_thirty
    applicant, date = _ready_for_vote(world, secretary_a, direct)
    # 16 present, 15 of them in favour: one written opinion in favour from an absent voter makes 16.
    record = services.record_step(
        applicant,
        "branch_meeting",
        date,
        by=secretary_a,
        present=16,
        in_favour=15,
        written_in_favour=[grouped[-1].pk],
    )
    assert record.values["written_in_favour"] == [grouped[-1].pk]
    assert record.values["voters"] == 30


def test_xize_article_21_written_opinion_of_a_member_without_a_vote_is_refused(
    world, secretary_a, branch_of_thirty
):
    direct, grouped = branch_of_thirty
    applicant, date = _ready_for_vote(world, secretary_a, direct)
    under_probation(grouped[-1], starts_on=years_ago(5))
    with pytest.raises(RuleViolation) as refused:
        services.record_step(
            applicant,
            "branch_meeting",
            date,
            by=secretary_a,
            present=16,
            in_favour=15,
            written_in_favour=[grouped[-1].pk],
        )
    assert "第二十一条" in refused.value.message


def test_xize_article_21_written_opinions_do_not_make_up_the_quorum(world, secretary_a, branch_of_thirty):
    direct, grouped = branch_of_thirty
    applicant, date = _ready_for_vote(world, secretary_a, direct)
    with pytest.raises(RuleViolation) as refused:
        services.record_step(
            applicant,
            "branch_meeting",
            date,
            by=secretary_a,
            present=15,
            in_favour=15,
            written_in_favour=[member.pk for member in grouped[:5]],
        )
    assert "15" in refused.value.message and "30" in refused.value.message


def test_xize_article_14_member_under_probation_is_excluded_from_the_voters_expected(world, secretary_a):
    members = full_members(world.branch_a1, 10)
    applicant, date = _ready_for_vote(world, secretary_a, members)
    under_probation(members[-1], starts_on=years_ago(5))
    # 5 of 10 would be no quorum; with one member under 留党察看, 5 of 9 is.
    record = services.record_step(applicant, "branch_meeting", date, by=secretary_a, present=5, in_favour=5)
    assert record.values["voters"] == 9


def test_xize_article_14_member_under_probation_is_refused_as_introducer(world, secretary_a):
    members = full_members(world.branch_a1)
    under_probation(members[0], starts_on=years_ago(10))
    applicant = new_applicant(world.branch_a1, secretary_a)
    with pytest.raises(RuleViolation) as refused:
        walk(applicant, secretary_a, members, until="candidate")
    assert refused.value.rule == "candidate.members"
    assert "留党察看" in refused.value.message and "第十四条" in refused.value.message
    applicant.refresh_from_db()
    assert applicant.stage == Stage.ACTIVIST


def test_xize_article_14_a_restriction_that_ended_before_the_step_does_not_refuse_the_introducer(
    world, secretary_a
):
    members = full_members(world.branch_a1)
    under_probation(members[0], starts_on=years_ago(12), ends_on=years_ago(10))
    applicant = new_applicant(world.branch_a1, secretary_a)
    walk(applicant, secretary_a, members, until="candidate")
    applicant.refresh_from_db()
    assert applicant.stage == Stage.CANDIDATE


def test_a_member_who_became_full_after_the_meeting_had_no_vote_at_it(world, secretary_a):
    members = full_members(world.branch_a1, 6)
    applicant, date = _ready_for_vote(world, secretary_a, members)
    later = date + datetime.timedelta(days=1)
    full_member(world.branch_a1, joined_on=later - datetime.timedelta(days=400), regularized_on=later)
    # 6 with a vote on the date: 4 present is a quorum (the 7th became full the day after).
    record = services.record_step(applicant, "branch_meeting", date, by=secretary_a, present=4, in_favour=4)
    assert record.values["voters"] == 6


def test_xize_article_21_the_vote_form_records_written_opinions(client, world, secretary_a):
    from django.urls import reverse

    from dangjian.development.models import StepRecord

    members = full_members(world.branch_a1)
    applicant, date = _ready_for_vote(world, secretary_a, members)
    client.force_login(secretary_a)
    url = reverse("development:applicant_record_step", args=[applicant.pk, "branch_meeting"])
    assert "written_in_favour" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "date": date.isoformat(),
            "present": 3,
            "in_favour": 2,
            "against": 1,
            "written_in_favour": [members[4].pk],
        },
    )
    assert response.status_code == 302
    record = StepRecord.objects.get(applicant=applicant, step__code="branch_meeting")
    assert record.values["written_in_favour"] == [members[4].pk]
    page = client.get(reverse("development:applicant_detail", args=[applicant.pk])).content.decode()
    assert "written opinions" in page or "书面意见" in page
