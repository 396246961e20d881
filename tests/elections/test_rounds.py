"""Further rounds after the count (再次投票, 另行选举; 选举工作条例 2020) and editing a draft election.

A tie at the last seat(s): the tied stand again, the most votes win, and the winners join those
of the first round; seats left unfilled: a new vote among those not elected, who again need more
than half of those present. One ballot per voter and round. A draft election is edited with an
optimistic lock and no longer once its candidates are confirmed.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.elections import services
from dangjian.elections.choices import ElectionKind, ElectionState, RoundReason
from dangjian.elections.models import Ballot, Election, Round, VoteRecord
from dangjian.orgs.models import CommitteeMember
from tests.elections.helpers import election_in, voter_user
from tests.elections.test_elections import _voting

BASE = "/api/v1/elections"


def _ballots(election, by, marks: list[list[int]], *, among=None) -> None:
    """One paper ballot per entry of ``marks`` in the current round; indexes into ``among``
    (default: the candidates of the current round by order)."""
    election.refresh_from_db()
    candidates = among if among is not None else list(services.ballot_candidates(election))
    voted = VoteRecord.objects.filter(election=election, round=election.round).values("voter_id")
    voters = list(services.voters(election.org).exclude(pk__in=voted).order_by("pk"))
    for voter, marked in zip(voters, marks, strict=False):
        services.enter_paper_ballot(
            election, by=by, voter=voter, candidate_ids=[candidates[index].pk for index in marked]
        )


def _tied(world, secretary_a) -> Election:
    """6 voters, 3 seats: candidate 1 elected with 6 votes; 2, 3 and 4 tied at 4 for two seats."""
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4, extra_voters=2)
    _ballots(election, secretary_a, [[0, 1, 2], [0, 1, 3], [0, 2, 3], [0, 1, 2], [0, 3, 1], [0, 2, 3]])
    counted = services.close_and_count(election, by=secretary_a)
    assert counted.needs_revote
    return counted


def _by_order(election) -> dict[int, bool]:
    return {c.order: c.elected for c in election.candidates.all()}


# --- 再次投票 among the tied ------------------------------------------------------------


def test_a_tie_opens_a_further_round_among_the_tied_only(world, secretary_a):
    election = _tied(world, secretary_a)
    assert services.further_round_reason(election) == RoundReason.TIE
    further = services.open_further_round(election, by=secretary_a)
    election.refresh_from_db()
    assert election.state == ElectionState.VOTING and election.round == 2 and not election.needs_revote
    assert further.reason == RoundReason.TIE and further.seats == 2
    assert sorted(c.order for c in services.ballot_candidates(election)) == [2, 3, 4]


def test_the_tied_cannot_be_narrowed(world, secretary_a):
    election = _tied(world, secretary_a)
    two = list(services.further_round_pool(election, RoundReason.TIE))[:2]
    with pytest.raises(RuleViolation) as refused:
        services.open_further_round(election, by=secretary_a, candidate_ids=[c.pk for c in two])
    assert (
        refused.value.rule == "further_round_candidates"
        and "《中国共产党基层组织选举工作条例》" in refused.value.message
    )


def test_the_further_round_winners_join_the_first_round_and_are_approved(world, secretary_a):
    election = _tied(world, secretary_a)
    services.open_further_round(election, by=secretary_a)
    # Round 2 among 2, 3, 4 for two seats: 2 gets 5, 3 gets 4, 4 gets 1 — no majority needed.
    _ballots(election, secretary_a, [[0, 1], [0, 1], [0, 1], [0, 1], [0, 2], [2]])
    counted = services.close_and_count(election, by=secretary_a)
    assert counted.state == ElectionState.COUNTED and not counted.needs_revote
    assert _by_order(counted) == {1: True, 2: True, 3: True, 4: False}
    further = Round.objects.get(election=counted, number=2)
    assert {e.candidate.order: e.votes_for for e in further.entries.all()} == {2: 5, 3: 4, 4: 2}
    assert further.ballots_cast == 6
    # The first round's votes are kept as they were.
    assert {c.order: c.votes_for for c in counted.candidates.all()} == {1: 6, 2: 4, 3: 4, 4: 4}
    submitted = services.submit_results(counted, by=secretary_a)
    approved = services.approve_results(submitted, by=secretary_a)
    seats = CommitteeMember.objects.filter(committee=approved.committee)
    assert seats.count() == 3


def test_one_ballot_per_voter_and_round(world, secretary_a):
    election = _tied(world, secretary_a)
    voter = services.voters(election.org).order_by("pk").first()
    services.open_further_round(election, by=secretary_a)
    election.refresh_from_db()
    candidate = services.ballot_candidates(election).first()
    services.enter_paper_ballot(election, by=secretary_a, voter=voter, candidate_ids=[candidate.pk])
    with pytest.raises(RuleViolation) as refused:
        services.enter_paper_ballot(election, by=secretary_a, voter=voter, candidate_ids=[])
    assert refused.value.rule == "one_ballot"
    assert VoteRecord.objects.filter(election=election, voter=voter).count() == 2  # one per round
    assert Ballot.objects.filter(election=election, round=2).count() == 1


def test_a_ballot_of_the_further_round_marks_only_its_candidates_and_its_seats(world, secretary_a):
    election = _tied(world, secretary_a)
    services.open_further_round(election, by=secretary_a)
    election.refresh_from_db()
    first = election.candidates.get(order=1)  # already elected, not on this ballot
    voters = list(services.voters(election.org).order_by("pk"))
    with pytest.raises(RuleViolation) as refused:
        services.enter_paper_ballot(election, by=secretary_a, voter=voters[0], candidate_ids=[first.pk])
    assert refused.value.rule == "ballot_choices"
    three = list(services.ballot_candidates(election))
    receipt = services.enter_paper_ballot(
        election, by=secretary_a, voter=voters[0], candidate_ids=[c.pk for c in three]
    )
    assert receipt.record.round == 2 and not receipt.is_valid  # 3 marks for 2 seats
    assert Ballot.objects.get(election=election, round=2).is_valid is False


def test_a_tie_again_calls_for_another_round(world, secretary_a):
    election = _tied(world, secretary_a)
    services.open_further_round(election, by=secretary_a)
    # 2 and 3 and 4 get 4 votes each again for two seats.
    _ballots(election, secretary_a, [[0, 1], [1, 2], [0, 2], [0, 1], [1, 2], [0, 2]])
    counted = services.close_and_count(election, by=secretary_a)
    assert counted.needs_revote and "《中国共产党基层组织选举工作条例》" in counted.result_note
    further = services.open_further_round(counted, by=secretary_a)
    assert further.number == 3 and further.entries.count() == 3


def test_one_of_the_tied_elected_and_the_rest_tied_again(world, secretary_a):
    election = _tied(world, secretary_a)
    services.open_further_round(election, by=secretary_a)
    # 2 gets 6, 3 and 4 get 3 each for the one seat left.
    _ballots(election, secretary_a, [[0, 1], [0, 1], [0, 1], [0, 2], [0, 2], [0, 2]])
    counted = services.close_and_count(election, by=secretary_a)
    assert counted.needs_revote
    assert _by_order(counted) == {1: True, 2: True, 3: False, 4: False}
    third = services.open_further_round(counted, by=secretary_a)
    assert third.seats == 1 and sorted(e.candidate.order for e in third.entries.all()) == [3, 4]


# --- 另行选举 for unfilled seats -------------------------------------------------------


def _short(world, secretary_a) -> Election:
    """10 voters, 3 seats: 1 and 2 elected; 3 (5 votes) and 4 (0) not — one seat unfilled."""
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4, extra_voters=6)
    _ballots(election, secretary_a, [[0, 1, 2]] * 5 + [[0, 1]] * 1 + [[0]] * 4)
    counted = services.close_and_count(election, by=secretary_a, present=10)
    assert not counted.needs_revote
    return counted


def test_unfilled_seats_open_a_further_election_among_those_not_elected(world, secretary_a):
    election = _short(world, secretary_a)
    assert services.further_round_reason(election) == RoundReason.SHORTFALL
    further = services.open_further_round(election, by=secretary_a)
    election.refresh_from_db()
    assert further.reason == RoundReason.SHORTFALL and further.seats == 1
    assert sorted(c.order for c in services.ballot_candidates(election)) == [3, 4]


def test_someone_already_elected_cannot_stand_again(world, secretary_a):
    election = _short(world, secretary_a)
    elected = election.candidates.get(order=1)
    with pytest.raises(RuleViolation) as refused:
        services.open_further_round(election, by=secretary_a, candidate_ids=[elected.pk])
    assert refused.value.rule == "further_round_candidates"


def test_the_further_election_still_needs_more_than_half(world, secretary_a):
    election = _short(world, secretary_a)
    services.open_further_round(election, by=secretary_a)
    # 3 gets 5 of 10: not more than half, the seat stays unfilled (never topped up by votes).
    _ballots(election, secretary_a, [[0]] * 5 + [[1]] * 2 + [[]] * 3)
    counted = services.close_and_count(election, by=secretary_a, present=10)
    assert _by_order(counted) == {1: True, 2: True, 3: False, 4: False}
    assert "《中国共产党基层组织选举工作条例》" in counted.result_note and not counted.needs_revote
    assert services.further_round_reason(counted) == RoundReason.SHORTFALL


def test_the_further_election_fills_the_seat_with_a_majority(world, secretary_a):
    election = _short(world, secretary_a)
    third = election.candidates.get(order=3)
    services.open_further_round(election, by=secretary_a, candidate_ids=[third.pk])
    _ballots(election, secretary_a, [[0]] * 6 + [[]] * 2)
    counted = services.close_and_count(election, by=secretary_a, present=10)
    assert _by_order(counted) == {1: True, 2: True, 3: True, 4: False}
    assert services.further_round_reason(counted) is None and counted.result_note == ""


def test_no_further_round_when_every_seat_is_filled(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)
    _ballots(election, secretary_a, [[0, 1, 2]] * 4)
    counted = services.close_and_count(election, by=secretary_a)
    with pytest.raises(RuleViolation) as refused:
        services.open_further_round(counted, by=secretary_a)
    assert refused.value.rule == "no_further_round"


def test_no_further_round_while_voting(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)
    with pytest.raises(RuleViolation) as refused:
        services.open_further_round(election, by=secretary_a)
    assert refused.value.rule == "election_state"


# --- Pages and API of further rounds ---------------------------------------------------------


def test_the_voter_sees_only_the_tied_on_the_phone_and_votes_again(client, world, secretary_a):
    election = _tied(world, secretary_a)
    services.open_further_round(election, by=secretary_a)
    election.refresh_from_db()
    voter = voter_user(world.branch_a1, "late_voter")  # joined after voting opened: still has a vote
    client.force_login(voter)
    url = reverse("elections:ballot", kwargs={"pk": election.pk})
    page = client.get(url).content.decode()
    names = [c.member.person.name for c in services.ballot_candidates(election)]
    assert "第 2 轮" in page and "再次投票" in page
    assert page.count('type="checkbox"') == 3 and all(name in page for name in names)
    choice = services.ballot_candidates(election).first()
    assert client.post(url, {"choices": [str(choice.pk)]}).status_code == 302
    assert VoteRecord.objects.get(election=election, voter__person=voter.person).round == 2
    assert Ballot.objects.get(election=election, round=2).choices.get() == choice


def test_the_further_round_page_opens_a_round(client, world, secretary_a):
    election = _short(world, secretary_a)
    client.force_login(secretary_a)
    url = reverse("elections:further_round", kwargs={"pk": election.pk})
    page = client.get(url).content.decode()
    assert "第二十二条" not in page and "另行选举" in page
    detail = client.get(reverse("elections:election_detail", kwargs={"pk": election.pk})).content.decode()
    assert url in detail
    now = timezone.localtime()
    third = election.candidates.get(order=3)
    response = client.post(
        url,
        {
            "candidates": [str(third.pk)],
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.round == 2 and election.state == ElectionState.VOTING
    assert [c.order for c in services.ballot_candidates(election)] == [3]


def test_the_further_round_page_explains_when_nothing_is_left(client, world, secretary_a):
    election = election_in(world.branch_a1, state=ElectionState.DRAFT)
    client.force_login(secretary_a)
    page = client.get(reverse("elections:further_round", kwargs={"pk": election.pk})).content.decode()
    assert "没有需要再次投票" in page or "每个名额" in page or "已全部" in page


def test_the_results_show_the_further_round(client, world, secretary_a):
    election = _tied(world, secretary_a)
    services.open_further_round(election, by=secretary_a)
    _ballots(election, secretary_a, [[0, 1], [0, 1], [0, 1], [0, 1], [0, 2], [2]])
    services.close_and_count(election, by=secretary_a)
    client.force_login(secretary_a)
    page = client.get(reverse("elections:election_results", kwargs={"pk": election.pk})).content.decode()
    assert "第 2 轮" in page and "再次投票" in page


def test_the_api_opens_a_further_round_and_shows_it(client, world, secretary_a):
    election = _tied(world, secretary_a)
    client.force_login(secretary_a)
    response = client.post(f"{BASE}/{election.pk}/rounds", {}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["round"] == 2 and body["state"] == "voting"
    assert body["rounds"][0]["reason"] == "tie" and len(body["rounds"][0]["candidates"]) == 3
    again = client.post(f"{BASE}/{election.pk}/rounds", {}, content_type="application/json")
    assert again.status_code == 400


# --- Editing a draft election ----------------------------------------------------------------


def test_a_draft_is_edited_and_audited(world, secretary_a):
    election = election_in(world.branch_a1, seats=3)
    starts = timezone.now() + datetime.timedelta(days=2)
    edited = services.update_election(
        election,
        by=secretary_a,
        expected_version=election.version,
        seats=5,
        term_years=3,
        kind=ElectionKind.COMMITTEE,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
    )
    assert (edited.seats, edited.term_years, edited.version) == (5, 3, election.version + 1)
    from dangjian.core.models import AuditEntry

    assert AuditEntry.objects.filter(object_id=str(election.pk), changes__has_key="seats").exists()


def test_a_stale_version_is_refused(world, secretary_a):
    election = election_in(world.branch_a1, seats=3)
    services.update_election(election, by=secretary_a, expected_version=election.version, seats=4)
    with pytest.raises(ConcurrentChange):
        services.update_election(election, by=secretary_a, expected_version=election.version, seats=5)


def test_a_confirmed_election_is_not_edited(world, secretary_a):
    election = election_in(world.branch_a1, state=ElectionState.CONFIRMED)
    with pytest.raises(RuleViolation) as refused:
        services.update_election(election, by=secretary_a, expected_version=election.version, seats=4)
    assert refused.value.rule == "election_not_draft" and "已确认" in refused.value.message


def test_an_edit_keeps_the_rules_of_creation(world, secretary_a):
    election = election_in(world.branch_a1, seats=3)
    with pytest.raises(RuleViolation) as refused:
        services.update_election(election, by=secretary_a, kind=ElectionKind.SECRETARY)  # 3 seats
    assert refused.value.rule == "election_seats"


def test_the_edit_page_saves_and_refuses_a_stale_form(client, world, secretary_a):
    election = election_in(world.branch_a1, seats=3)
    client.force_login(secretary_a)
    url = reverse("elections:election_edit", kwargs={"pk": election.pk})
    assert 'name="version"' in client.get(url).content.decode()
    local = timezone.localtime(election.starts_at)
    form = {
        "kind": "committee",
        "title": election.title,
        "seats": 5,
        "term_years": 5,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "version": election.version,
    }
    assert client.post(url, form).status_code == 302
    election.refresh_from_db()
    assert election.seats == 5
    stale = client.post(url, {**form, "seats": 7})
    assert stale.status_code == 200 and "其他人修改" in stale.content.decode()


def test_the_edit_page_of_a_confirmed_election_explains(client, world, secretary_a):
    election = election_in(world.branch_a1, state=ElectionState.CONFIRMED)
    client.force_login(secretary_a)
    page = client.get(reverse("elections:election_edit", kwargs={"pk": election.pk})).content.decode()
    assert "已确认" in page and 'type="submit">保存' not in page


def test_the_api_patches_a_draft_with_its_version(client, world, secretary_a):
    election = election_in(world.branch_a1, seats=3)
    client.force_login(secretary_a)
    url = f"{BASE}/{election.pk}"
    response = client.patch(url, {"version": election.version, "seats": 4}, content_type="application/json")
    assert response.status_code == 200 and response.json()["seats"] == 4
    stale = client.patch(url, {"version": election.version, "seats": 5}, content_type="application/json")
    assert stale.status_code == 409
    Election.objects.filter(pk=election.pk).update(state=ElectionState.CONFIRMED)
    fresh = Election.objects.get(pk=election.pk)
    refused = client.patch(url, {"version": fresh.version, "seats": 5}, content_type="application/json")
    assert refused.status_code == 400
