"""The generator's elections step at the community scale: a draft, a voting election in which the
demo member (党员 login) has a vote, and an approved election of the current committee."""

from __future__ import annotations

from dangjian.accounts.models import User
from dangjian.core.generator import generate
from dangjian.elections import services
from dangjian.elections.choices import ElectionState
from dangjian.elections.models import Election


def test_the_community_scale_has_elections_in_three_states(db):
    generate("community", seed=5, log=lambda line: None)
    elections = {election.state: election for election in Election.objects.select_related("org", "committee")}
    assert set(elections) == {ElectionState.DRAFT, ElectionState.VOTING, ElectionState.APPROVED}
    for election in elections.values():
        assert election.candidates.count() >= services.minimum_candidates(election.seats)
    voting = elections[ElectionState.VOTING]
    member = User.objects.get(username="dangyuan")
    assert services.voter_for(voting, member) is not None
    assert not voting.vote_records.filter(voter__person_id=member.person_id).exists()
    assert voting.ballots.count() == voting.vote_records.count()
    assert voting.ballots.exists() and all(b.choices.count() <= voting.seats for b in voting.ballots.all())
    approved = elections[ElectionState.APPROVED]
    assert approved.committee is not None and approved.committee.is_current
    assert approved.candidates.filter(elected=True).count() == approved.seats
    assert services.quorum_reached(approved.present_voters, approved.expected_voters)
