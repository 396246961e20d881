"""An election's electorate is ``members.voters``: the 正式党员 of the organization and its 党小组,
without members under 留党察看, who neither vote nor stand (选举工作条例 第五条)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.elections import services
from dangjian.members.models import PartyMember
from tests.elections.helpers import add_voters, voter_user
from tests.members.restriction_data import party_groups, under_probation

TODAY = timezone.localdate()


def _new(org, by):
    now = timezone.now()
    return services.create_election(
        org,
        by=by,
        title="第三届支部委员会换届选举",
        seats=3,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )


def test_election_rules_article_5_member_under_probation_is_out_of_the_electorate(world, secretary_a):
    election = _new(world.branch_a1, secretary_a)
    for member in add_voters(world.branch_a1, 4):
        services.add_candidate(election, by=secretary_a, member=member)
    party_groups(world.branch_a1, [3])
    restricted_user = voter_user(world.branch_a1, "observed")
    restricted = PartyMember.objects.get(person=restricted_user.person)
    under_probation(restricted, starts_on=TODAY - datetime.timedelta(days=20))
    services.confirm_candidates(election, by=secretary_a)

    election = services.open_voting(election, by=secretary_a)

    assert election.expected_voters == 7  # 4 + 3 in the 党小组; not the member under 留党察看
    with pytest.raises(PermissionDenied) as refused:
        services.cast_ballot(election, user=restricted_user, candidate_ids=[])
    assert refused.value.rule == "voter"


def test_election_rules_article_5_member_under_probation_cannot_stand(world, secretary_a):
    election = _new(world.branch_a1, secretary_a)
    member = add_voters(world.branch_a1, 1)[0]
    under_probation(member, starts_on=TODAY - datetime.timedelta(days=20))
    with pytest.raises(RuleViolation) as refused:
        services.add_candidate(election, by=secretary_a, member=member)
    assert refused.value.rule == "candidate_full_member"
