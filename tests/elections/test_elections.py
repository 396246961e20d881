"""换届选举 through the services: 差额 at its edges, one ballot per voter, the window, invalid
ballots, the 4/5 quorum, the majority of those present, ties, and the superior's approval."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.elections import services
from dangjian.elections.choices import ElectionKind, ElectionState, VoteMethod
from dangjian.elections.models import Ballot, Election, VoteRecord
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import CommitteeRole
from dangjian.orgs.models import Committee, CommitteeMember
from tests.elections.helpers import add_voters, election_in, voter_user
from tests.factories import UserFactory, assign

SQLITE_LOCK_ATTEMPTS = 500


def _new(org, by, seats=5, kind=ElectionKind.COMMITTEE, **fields) -> Election:
    now = timezone.now()
    return services.create_election(
        org,
        by=by,
        title="第三届支部委员会换届选举",
        seats=seats,
        kind=kind,
        starts_at=fields.pop("starts_at", now - datetime.timedelta(minutes=5)),
        ends_at=fields.pop("ends_at", now + datetime.timedelta(hours=2)),
        **fields,
    )


def _with_candidates(election, by, count) -> Election:
    for member in add_voters(election.org, count):
        services.add_candidate(election, by=by, member=member)
    return election


def _voting(org, by, *, seats=3, candidates=4, extra_voters=0) -> Election:
    election = _with_candidates(_new(org, by, seats=seats), by, candidates)
    add_voters(org, extra_voters)
    services.confirm_candidates(election, by=by)
    return services.open_voting(election, by=by)


@pytest.mark.parametrize(("seats", "needed"), [(3, 4), (5, 6), (7, 9), (10, 12), (11, 14)])
def test_candidates_exceed_the_seats_by_at_least_a_fifth_rounded_up(seats, needed):
    assert services.minimum_candidates(seats) == needed


def test_a_secretary_election_may_have_as_many_candidates_as_seats():
    assert services.minimum_candidates(1, ElectionKind.SECRETARY) == 1


def test_five_seats_with_six_candidates_are_confirmed(world, secretary_a):
    election = _with_candidates(_new(world.branch_a1, secretary_a, seats=5), secretary_a, 6)
    services.confirm_candidates(election, by=secretary_a)
    election.refresh_from_db()
    assert election.state == ElectionState.CONFIRMED


def test_five_seats_with_five_candidates_are_refused_naming_the_rule(world, secretary_a):
    election = _with_candidates(_new(world.branch_a1, secretary_a, seats=5), secretary_a, 5)
    with pytest.raises(RuleViolation) as refused:
        services.confirm_candidates(election, by=secretary_a)
    assert refused.value.rule == "candidate_margin"
    message = refused.value.message
    assert (
        "差额" in message and "《中国共产党基层组织选举工作条例》）" in message and "第十二条" not in message
    )
    assert "至少需要 6 名" in message


def test_seven_seats_need_nine_candidates(world, secretary_a):
    election = _with_candidates(_new(world.branch_a1, secretary_a, seats=7), secretary_a, 8)
    with pytest.raises(RuleViolation, match="至少需要 9 名"):
        services.confirm_candidates(election, by=secretary_a)
    _with_candidates(election, secretary_a, 1)
    services.confirm_candidates(election, by=secretary_a)


def test_a_probationary_member_cannot_be_a_candidate(world, secretary_a):
    election = _new(world.branch_a1, secretary_a)
    [probationary] = add_voters(world.branch_a1, 1, status=MemberStatus.PROBATIONARY)
    with pytest.raises(RuleViolation) as refused:
        services.add_candidate(election, by=secretary_a, member=probationary)
    assert refused.value.rule == "candidate_full_member" and "正式党员" in refused.value.message


def test_an_organization_has_one_election_under_way(world, secretary_a):
    _new(world.branch_a1, secretary_a)
    with pytest.raises(RuleViolation) as refused:
        _new(world.branch_a1, secretary_a)
    assert refused.value.rule == "one_open_election"


def test_someone_outside_the_subtree_cannot_prepare_an_election(world, secretary_b):
    with pytest.raises(PermissionDenied):
        _new(world.branch_a1, secretary_b)


def test_open_voting_counts_full_members_only(world, secretary_a):
    add_voters(world.branch_a1, 2, status=MemberStatus.PROBATIONARY)
    election = _voting(world.branch_a1, secretary_a, candidates=4, extra_voters=3)
    assert election.expected_voters == 7


# --- Ballots ---------------------------------------------------------------------------------


def test_a_voter_casts_one_ballot_and_a_second_is_refused(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a)
    voter = voter_user(world.branch_a1, "voter1")
    first = election.candidates.first()
    receipt = services.cast_ballot(election, user=voter, candidate_ids=[first.pk])
    assert receipt.is_valid and receipt.record.cast_by == voter and receipt.record.method == VoteMethod.PHONE
    with pytest.raises(RuleViolation) as refused:
        services.cast_ballot(election, user=voter, candidate_ids=[])
    assert refused.value.rule == "one_ballot" and "已经投过票" in refused.value.message
    assert Ballot.objects.filter(election=election).count() == 1
    assert VoteRecord.objects.filter(election=election).count() == 1


def test_a_probationary_member_has_no_vote(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a)
    probationary = voter_user(world.branch_a1, "prob", status=MemberStatus.PROBATIONARY)
    with pytest.raises(PermissionDenied) as refused:
        services.cast_ballot(election, user=probationary, candidate_ids=[])
    assert "没有表决权" in refused.value.message or "正式党员" in refused.value.message


def test_a_member_of_another_organization_has_no_vote(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a)
    other = voter_user(world.branch_b1, "other")
    with pytest.raises(PermissionDenied):
        services.cast_ballot(election, user=other, candidate_ids=[])


@pytest.mark.parametrize("offset", [datetime.timedelta(minutes=-10), datetime.timedelta(hours=3)])
def test_a_ballot_outside_the_voting_window_is_refused(world, secretary_a, offset):
    election = _voting(world.branch_a1, secretary_a)
    voter = voter_user(world.branch_a1, "late")
    at = election.starts_at + offset  # 10 minutes before the start, or an hour after the end
    with pytest.raises(RuleViolation) as refused:
        services.cast_ballot(election, user=voter, candidate_ids=[], now=at)
    assert refused.value.rule == "election_window"
    assert not Ballot.objects.filter(election=election).exists()


def test_no_ballot_before_voting_is_opened(world, secretary_a):
    election = _with_candidates(_new(world.branch_a1, secretary_a, seats=3), secretary_a, 4)
    voter = voter_user(world.branch_a1, "early")
    with pytest.raises(RuleViolation, match="投票"):
        services.cast_ballot(election, user=voter, candidate_ids=[])


def test_a_phone_ballot_with_more_marks_than_seats_is_refused(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)
    voter = voter_user(world.branch_a1, "eager")
    with pytest.raises(RuleViolation) as refused:
        services.cast_ballot(
            election, user=voter, candidate_ids=election.candidates.values_list("pk", flat=True)
        )
    assert refused.value.rule == "ballot_too_many" and "最多" in refused.value.message


def test_a_paper_ballot_with_more_marks_than_seats_is_kept_as_invalid_and_its_marks_do_not_count(
    world, secretary_a
):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)
    voters = list(services.voters(world.branch_a1))
    all_four = list(election.candidates.values_list("pk", flat=True))
    receipt = services.enter_paper_ballot(election, by=secretary_a, voter=voters[0], candidate_ids=all_four)
    assert not receipt.is_valid and receipt.record.entered_by == secretary_a
    assert receipt.record.method == VoteMethod.PAPER
    for voter in voters[1:]:
        services.enter_paper_ballot(election, by=secretary_a, voter=voter, candidate_ids=all_four[:3])
    counted = services.close_and_count(election, by=secretary_a)
    assert counted.ballots_cast == 4 and counted.valid_ballots == 3
    assert sorted(election.candidates.values_list("votes_for", flat=True)) == [0, 3, 3, 3]


def test_a_ballot_marking_someone_not_a_candidate_is_refused(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a)
    other = election_in(world.branch_b1, state=ElectionState.VOTING)
    voter = voter_user(world.branch_a1, "confused")
    with pytest.raises(RuleViolation, match="候选人"):
        services.cast_ballot(election, user=voter, candidate_ids=[other.candidates.first().pk])


def _cast_in_thread(election_pk: int, user, candidate_id: int, barrier, results: list) -> None:
    try:
        barrier.wait(timeout=10)
        for _attempt in range(SQLITE_LOCK_ATTEMPTS):
            try:
                services.cast_ballot(
                    Election.objects.get(pk=election_pk), user=user, candidate_ids=[candidate_id]
                )
            except OperationalError as error:
                # The in-memory SQLite test database answers "table is locked" at once instead of
                # waiting as the file database does: wait here, as the busy handler would.
                if connection.vendor != "sqlite" or "locked" not in str(error):
                    raise
                time.sleep(0.01)
            else:
                results.append("cast")
                return
        results.append("still locked")
    except RuleViolation as error:
        results.append(error)
    except Exception as error:  # reported by the assertions of the test
        results.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_ballots_of_one_voter_store_exactly_one(world, secretary_a):
    """Two phones of the same voter submit at once: the election row lock (and the unique
    constraint behind it) lets exactly one through; the other is told they have voted."""
    election = _voting(world.branch_a1, secretary_a)
    voter = voter_user(world.branch_a1, "twophones")
    candidate = election.candidates.first()
    barrier = threading.Barrier(2)
    results: list = []
    threads = [
        threading.Thread(target=_cast_in_thread, args=(election.pk, voter, candidate.pk, barrier, results))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.count("cast") == 1, results
    refusals = [result for result in results if result != "cast"]
    assert len(refusals) == 1 and isinstance(refusals[0], RuleViolation), results
    assert refusals[0].rule == "one_ballot"
    assert Ballot.objects.filter(election=election).count() == 1
    assert VoteRecord.objects.filter(election=election).count() == 1


# --- Counting --------------------------------------------------------------------------------


def _ballots(election, by, marks: list[list[int]]) -> None:
    """Enter one paper ballot per entry of ``marks`` (indexes into the candidates by order)."""
    candidates = list(election.candidates.order_by("order"))
    voters = list(services.voters(election.org).exclude(vote_records__election=election))
    for voter, marked in zip(voters, marks, strict=False):
        services.enter_paper_ballot(
            election, by=by, voter=voter, candidate_ids=[candidates[index].pk for index in marked]
        )


def test_four_fifths_present_is_not_enough_and_more_is(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4, extra_voters=6)  # 10 voters
    _ballots(election, secretary_a, [[0, 1, 2]] * 8)
    with pytest.raises(RuleViolation) as refused:
        services.close_and_count(election, by=secretary_a, present=8)
    assert refused.value.rule == "election_quorum"
    assert (
        "五分之四" in refused.value.message
        and "《中国共产党基层组织选举工作条例》" in refused.value.message
        and "第十七条" not in refused.value.message
    )
    counted = services.close_and_count(election, by=secretary_a, present=9)
    assert counted.state == ElectionState.COUNTED and counted.present_voters == 9


def test_present_cannot_be_fewer_than_the_ballots_cast(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4, extra_voters=1)
    _ballots(election, secretary_a, [[0]] * 5)
    with pytest.raises(RuleViolation) as refused:
        services.close_and_count(election, by=secretary_a, present=4)
    assert refused.value.rule == "present_voters"


def test_a_candidate_needs_more_than_half_of_those_present(world, secretary_a):
    # 10 voters, 10 present: 6 votes elect, 5 do not.
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4, extra_voters=6)
    _ballots(election, secretary_a, [[0, 1, 2]] * 5 + [[0, 1]] * 1 + [[0]] * 4)
    services.close_and_count(election, by=secretary_a, present=10)
    results = {c.order: (c.votes_for, c.elected) for c in election.candidates.all()}
    assert results == {1: (10, True), 2: (6, True), 3: (5, False), 4: (0, False)}
    election.refresh_from_db()
    assert "1 名" not in election.result_note and "《中国共产党基层组织选举工作条例》" in election.result_note
    assert not election.needs_revote


def test_when_more_pass_than_seats_the_most_votes_win(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)  # 4 voters
    _ballots(election, secretary_a, [[0, 1, 2], [0, 1, 3], [0, 2, 3], [0, 1, 2]])
    services.close_and_count(election, by=secretary_a)
    results = {c.order: (c.votes_for, c.elected) for c in election.candidates.all()}
    assert results == {1: (4, True), 2: (3, True), 3: (3, True), 4: (2, False)}


def test_a_tie_at_the_last_seat_is_reported_not_decided(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4, extra_voters=2)  # 6 voters
    _ballots(election, secretary_a, [[0, 1, 2], [0, 1, 3], [0, 2, 3], [0, 1, 2], [0, 3, 1], [0, 2, 3]])
    counted = services.close_and_count(election, by=secretary_a)
    results = {c.order: (c.votes_for, c.elected) for c in election.candidates.all()}
    # 1: 6 votes; 2, 3 and 4: 4 votes each, tied for the two remaining seats.
    assert results == {1: (6, True), 2: (4, False), 3: (4, False), 4: (4, False)}
    assert counted.needs_revote and "再次投票" in counted.result_note
    with pytest.raises(RuleViolation) as refused:
        services.submit_results(counted, by=secretary_a)
    assert refused.value.rule == "needs_revote"


# --- Approval --------------------------------------------------------------------------------


def _submitted(world, secretary_a, kind=ElectionKind.COMMITTEE) -> Election:
    seats = 3 if kind == ElectionKind.COMMITTEE else 1
    election = _with_candidates(_new(world.branch_a1, secretary_a, seats=seats, kind=kind), secretary_a, 4)
    services.confirm_candidates(election, by=secretary_a)
    services.open_voting(election, by=secretary_a)
    _ballots(election, secretary_a, [[0, 1, 2]] * 4 if seats == 3 else [[0]] * 4)
    services.close_and_count(election, by=secretary_a)
    return services.submit_results(election, by=secretary_a)


def test_approval_by_the_superior_records_the_committee_its_term_and_members(world, secretary_a):
    old = Committee.objects.create(org=world.branch_a1, elected_on=datetime.date(2020, 1, 5), term_years=5)
    election = _submitted(world, secretary_a)
    approved = services.approve_results(election, by=secretary_a, note="同意")
    assert approved.state == ElectionState.APPROVED and approved.decided_by == secretary_a
    committee = approved.committee
    assert committee.is_current and committee.org == world.branch_a1
    assert committee.term_years == 5 and committee.elected_on == timezone.localdate(election.starts_at)
    seats = CommitteeMember.objects.filter(committee=committee)
    assert {seat.person_id for seat in seats} == set(
        election.candidates.filter(elected=True).values_list("member__person_id", flat=True)
    )
    assert {seat.role for seat in seats} == {CommitteeRole.MEMBER}
    old.refresh_from_db()
    assert not old.is_current


def test_a_secretary_election_seats_the_secretary(world, secretary_a):
    election = _submitted(world, secretary_a, kind=ElectionKind.SECRETARY)
    approved = services.approve_results(election, by=secretary_a)
    [seat] = approved.committee.seats.all()
    assert seat.role == CommitteeRole.SECRETARY


def test_the_branch_itself_cannot_approve_its_own_election(world, secretary_a):
    election = _submitted(world, secretary_a)
    branch_secretary = UserFactory(username="branch_secretary")
    assign(branch_secretary, BuiltinRole.ORG_SECRETARY, world.branch_a1)
    with pytest.raises(PermissionDenied) as refused:
        services.approve_results(election, by=branch_secretary)
    assert "上级党组织" in refused.value.message or "上级" in refused.value.message
    assert not Committee.objects.filter(org=world.branch_a1).exists()


def test_approval_is_atomic_when_a_seat_cannot_be_recorded(world, secretary_a):
    election = _submitted(world, secretary_a)
    elected = election.candidates.filter(elected=True).order_by("-votes_for", "order").last()
    PartyMember.objects.filter(pk=elected.member_id).update(status=MemberStatus.PROBATIONARY)
    with pytest.raises(RuleViolation):
        services.approve_results(election, by=secretary_a)
    election.refresh_from_db()
    assert election.state == ElectionState.SUBMITTED and election.committee is None
    assert not Committee.objects.filter(org=world.branch_a1).exists()


def test_rejection_needs_a_reason_and_records_no_committee(world, secretary_a):
    election = _submitted(world, secretary_a)
    with pytest.raises(RuleViolation):
        services.reject_results(election, by=secretary_a, reason=" ")
    rejected = services.reject_results(election, by=secretary_a, reason="候选人资格审查材料不全")
    assert rejected.state == ElectionState.REJECTED and rejected.decision_note == "候选人资格审查材料不全"
    assert not Committee.objects.filter(org=world.branch_a1).exists()
