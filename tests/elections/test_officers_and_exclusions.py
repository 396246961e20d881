"""Point 6 of issue 10 for elections: 应到会 may leave out five categories with the approvals
recorded; seats are reduced only with more than half of the electors consenting; a committee
elects its 书记 and 副书记 and reports them for the superior's approval (支部工作条例 第二十一条)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.elections import services
from dangjian.elections.choices import ElectionKind, ElectionState, ExclusionCategory, OfficerReportState
from dangjian.orgs.choices import CommitteeRole
from dangjian.orgs.models import Committee, CommitteeMember
from tests.elections.helpers import add_voters
from tests.elections.test_elections import _ballots, _new, _with_candidates
from tests.factories import UserFactory, assign


def test_a_voter_abroad_is_left_out_of_the_voters_expected_with_both_approvals_recorded(world, secretary_a):
    election = _with_candidates(_new(world.branch_a1, secretary_a, seats=3), secretary_a, 4)
    [abroad, other] = add_voters(world.branch_a1, 2)
    with pytest.raises(RuleViolation) as refused:
        services.exclude_voter(
            election,
            by=secretary_a,
            member=abroad,
            category=ExclusionCategory.ABROAD,
            superior_consent="",
            meeting_approved=True,
        )
    assert refused.value.rule == "exclusion_approval"
    with pytest.raises(RuleViolation):
        services.exclude_voter(
            election,
            by=secretary_a,
            member=other,
            category="on_holiday",
            superior_consent="街道党工委同意",
            meeting_approved=True,
        )
    exclusion = services.exclude_voter(
        election,
        by=secretary_a,
        member=abroad,
        category=ExclusionCategory.ABROAD,
        superior_consent="街道党工委 2026-05-01 复函同意",
        meeting_approved=True,
    )
    assert AuditEntry.objects.filter(
        object_type="elections.voterexclusion", object_id=str(exclusion.pk)
    ).exists()
    services.confirm_candidates(election, by=secretary_a)
    opened = services.open_voting(election, by=secretary_a)
    assert opened.expected_voters == 5  # 6 voters, one left out


def _short_of_seats(world, secretary_a):
    election = _with_candidates(_new(world.branch_a1, secretary_a, seats=3), secretary_a, 4)
    add_voters(world.branch_a1, 6)
    services.confirm_candidates(election, by=secretary_a)
    services.open_voting(election, by=secretary_a)
    _ballots(election, secretary_a, [[0, 1, 2]] * 5 + [[0, 1]] * 1 + [[0]] * 4)
    return services.close_and_count(election, by=secretary_a, present=10)


def test_seats_are_reduced_only_with_the_consent_of_more_than_half_of_the_electors(world, secretary_a):
    counted = _short_of_seats(world, secretary_a)
    assert counted.candidates.filter(elected=True).count() == 2
    with pytest.raises(RuleViolation) as refused:
        services.reduce_seats(counted, by=secretary_a, consents=5)
    assert refused.value.rule == "reduce_seats_consent"
    assert "《中国共产党基层组织选举工作条例》" in refused.value.message
    reduced = services.reduce_seats(counted, by=secretary_a, consents=6)
    assert reduced.seats == 2 and reduced.seats_reduced_from == 3 and reduced.reduction_consents == 6
    assert reduced.state == ElectionState.COUNTED


def _committee(world, secretary_a, members: int = 5) -> Committee:
    committee = Committee.objects.create(
        org=world.branch_a1, elected_on=datetime.date(2025, 1, 5), term_years=3
    )
    for member in add_voters(world.branch_a1, members):
        CommitteeMember.objects.create(committee=committee, person=member.person, role=CommitteeRole.MEMBER)
    return committee


def test_in_a_branch_with_a_committee_the_committee_elects_the_secretary_article_21(world, secretary_a):
    committee = _committee(world, secretary_a)
    with pytest.raises(RuleViolation) as refused:
        _new(world.branch_a1, secretary_a, seats=1, kind=ElectionKind.SECRETARY)
    assert refused.value.rule == "secretary_by_committee" and "第二十一条" in refused.value.message
    seats = list(committee.seats.order_by("pk"))
    branch_secretary = UserFactory(username="branch_secretary")
    assign(branch_secretary, BuiltinRole.ORG_SECRETARY, world.branch_a1)
    report = services.report_officers(
        committee,
        by=branch_secretary,
        secretary=seats[0].person,
        deputy=seats[1].person,
        elected_on=timezone.localdate(),
    )
    assert report.state == OfficerReportState.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.approve_officers(report, by=branch_secretary)  # the superior approves, not the branch
    services.approve_officers(report, by=secretary_a, note="同意")
    roles = dict(committee.seats.values_list("person_id", "role"))
    assert roles[seats[0].person_id] == CommitteeRole.SECRETARY
    assert roles[seats[1].person_id] == CommitteeRole.DEPUTY_SECRETARY


def test_only_a_member_of_the_committee_can_be_reported_as_its_secretary(world, secretary_a):
    committee = _committee(world, secretary_a)
    [outsider] = add_voters(world.branch_a1, 1)
    with pytest.raises(RuleViolation) as refused:
        services.report_officers(
            committee, by=secretary_a, secretary=outsider.person, elected_on=timezone.localdate()
        )
    assert refused.value.rule == "officer_not_on_committee"
