"""The election pages: the list (scoped, fixed queries), the phone ballot, the steps' pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.elections.choices import ElectionState
from dangjian.elections.models import Ballot, Election
from dangjian.orgs.models import Committee
from tests.elections.helpers import add_voters, election_in, voter_user
from tests.elections.routes import election


def _ballot_url(election) -> str:
    return reverse("elections:ballot", kwargs={"pk": election.pk})


def test_a_voter_sees_the_candidates_as_checkboxes_and_casts_once(client, world):
    current = election_in(world.branch_a1, state=ElectionState.VOTING, seats=3, candidates=4)
    voter = voter_user(world.branch_a1, "voter")
    client.force_login(voter)
    page = client.get(_ballot_url(current))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('type="checkbox"') == 4 and "最多 3 名" in body
    first = current.candidates.first()
    response = client.post(_ballot_url(current), {"choices": [first.pk]})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Ballot.objects.get(election=current).choices.get() == first
    again = client.get(_ballot_url(current)).content.decode()
    assert 'data-voted-on="' in again and 'type="checkbox"' not in again
    client.post(_ballot_url(current), {"choices": []})
    assert Ballot.objects.filter(election=current).count() == 1


def test_too_many_ticks_on_the_phone_are_refused_with_the_reason(client, world):
    current = election_in(world.branch_a1, state=ElectionState.VOTING, seats=3, candidates=4)
    client.force_login(voter_user(world.branch_a1, "voter"))
    response = client.post(
        _ballot_url(current), {"choices": list(current.candidates.values_list("pk", flat=True))}
    )
    assert response.status_code == 200 and "最多只能选 3 名" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_resident_without_a_vote_gets_404_and_staff_without_a_vote_403(
    client, world, resident, secretary_a
):
    current = election_in(world.branch_a1, state=ElectionState.VOTING)
    client.force_login(resident)
    assert client.get(_ballot_url(current)).status_code == 404
    client.force_login(secretary_a)
    assert client.get(_ballot_url(current)).status_code == 403


def test_a_member_of_another_branch_gets_404_on_the_ballot(client, world):
    current = election_in(world.branch_a1, state=ElectionState.VOTING)
    client.force_login(voter_user(world.branch_b1, "elsewhere"))
    assert client.get(_ballot_url(current)).status_code == 404


def test_an_election_of_another_community_is_404(client, world, secretary_b):
    current = election_in(world.branch_a1)
    client.force_login(secretary_b)
    for name in ("election_detail", "candidate_list", "election_results", "election_confirm"):
        assert client.get(reverse(f"elections:{name}", kwargs={"pk": current.pk})).status_code == 404


def test_confirming_too_few_candidates_shows_the_rule(client, world, secretary_a):
    current = election_in(world.branch_a1, seats=5, candidates=5)
    client.force_login(secretary_a)
    response = client.post(reverse("elections:election_confirm", kwargs={"pk": current.pk}), follow=True)
    assert "差额选举" in response.content.decode()
    current.refresh_from_db()
    assert current.state == ElectionState.DRAFT


def test_approving_on_the_page_records_the_committee(client, world, secretary_a):
    current = election(world.branch_a1, ElectionState.SUBMITTED)
    client.force_login(secretary_a)
    url = reverse("elections:election_approve", kwargs={"pk": current.pk})
    assert "批准" in client.get(url).content.decode()
    assert client.post(url, {"note": "同意"}).status_code == 302
    current.refresh_from_db()
    assert current.state == ElectionState.APPROVED
    assert Committee.objects.get(org=world.branch_a1, is_current=True) == current.committee


def test_the_results_page_shows_votes_and_who_is_elected(client, world, secretary_a):
    current = election(world.branch_a1, ElectionState.COUNTED)
    client.force_login(secretary_a)
    body = client.get(reverse("elections:election_results", kwargs={"pk": current.pk})).content.decode()
    assert body.count("未当选") == 1 and "当选" in body and "应到会人数" in body


def _list_queries(client, count: int, world) -> int:
    for index in range(count):
        org = world.branch_a1 if index % 2 else world.org_a
        Election.objects.create(
            org=org,
            title=f"选举 {index}",
            seats=3,
            term_years=5,
            starts_at="2026-01-01T09:00:00+08:00",
            ends_at="2026-01-01T11:00:00+08:00",
            state=ElectionState.APPROVED,
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("elections:election_list"), {"org": world.org_a.pk})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_number_of_queries_for_3_and_30_elections(client, world, secretary_a, count):
    client.force_login(secretary_a)
    client.get(reverse("elections:election_list"))  # warm the session and scope caches
    queries = _list_queries(client, count, world)
    assert queries == QUERIES_OF_THE_LIST


def test_the_list_is_scoped(client, world, secretary_a):
    election_in(world.branch_a1, title="社区A选举")
    election_in(world.branch_b1, title="社区B选举")
    add_voters(world.branch_a1, 1)
    client.force_login(secretary_a)
    body = client.get(reverse("elections:election_list")).content.decode()
    assert "社区A选举" in body and "社区B选举" not in body


# The same for 3 and 30 elections; it includes the 消息提醒 badge and the list's bounded total.
QUERIES_OF_THE_LIST = 10
