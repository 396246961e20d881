"""The election API applies the same rules as the pages: 差额, one ballot, quorum, approval."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.elections.choices import ElectionState
from dangjian.elections.models import Ballot, Election
from tests.elections.helpers import election_in, voter_user
from tests.elections.routes import election

BASE = "/api/v1/elections"


def test_confirming_too_few_candidates_answers_400_with_the_rule(client, world, secretary_a):
    current = election_in(world.branch_a1, seats=5, candidates=5)
    client.force_login(secretary_a)
    response = client.post(f"{BASE}/{current.pk}/confirm", content_type="application/json")
    assert response.status_code == 400
    assert "差额选举" in response.json()["detail"]


def test_a_voter_casts_once_through_the_api(client, world):
    current = election_in(world.branch_a1, state=ElectionState.VOTING, seats=3, candidates=4)
    client.force_login(voter_user(world.branch_a1, "voter"))
    first = current.candidates.first()
    url = f"{BASE}/{current.pk}/ballot"
    assert client.post(url, {"candidate_ids": [first.pk]}, content_type="application/json").status_code == 201
    again = client.post(url, {"candidate_ids": []}, content_type="application/json")
    assert again.status_code == 400 and "已经投过票" in again.json()["detail"]
    assert Ballot.objects.filter(election=current).count() == 1


def test_a_ballot_for_someone_without_a_vote_is_404_or_403(client, world, resident, secretary_a):
    current = election_in(world.branch_a1, state=ElectionState.VOTING)
    url = f"{BASE}/{current.pk}/ballot"
    client.force_login(resident)
    assert client.post(url, {"candidate_ids": []}, content_type="application/json").status_code == 404
    client.force_login(secretary_a)
    assert client.post(url, {"candidate_ids": []}, content_type="application/json").status_code == 403


def test_count_below_the_quorum_answers_400(client, world, secretary_a):
    current = election_in(world.branch_a1, state=ElectionState.VOTING, candidates=10)
    client.force_login(secretary_a)
    response = client.post(f"{BASE}/{current.pk}/count", {"present": 8}, content_type="application/json")
    assert response.status_code == 400 and "五分之四" in response.json()["detail"]


def test_approval_through_the_api_records_the_committee(client, world, secretary_a):
    current = election(world.branch_a1, ElectionState.SUBMITTED)
    client.force_login(secretary_a)
    response = client.post(f"{BASE}/{current.pk}/approve", {"note": "同意"}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "approved" and body["committee_id"] is not None
    assert sum(candidate["elected"] for candidate in body["candidates"]) == 3


def test_an_election_of_another_community_is_404(client, world, secretary_b):
    current = election_in(world.branch_a1)
    client.force_login(secretary_b)
    assert client.get(f"{BASE}/{current.pk}").status_code == 404


def _list_queries(client, world, count: int) -> int:
    Election.objects.bulk_create(
        [
            Election(
                org=world.branch_a1,
                title=f"选举 {index}",
                seats=3,
                term_years=5,
                starts_at="2026-01-01T09:00:00+08:00",
                ends_at="2026-01-01T11:00:00+08:00",
                state=ElectionState.APPROVED,
            )
            for index in range(count)
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(BASE + "/", {"limit": 50})
    assert response.status_code == 200 and len(response.json()["items"]) == count
    return len(queries)


@pytest.mark.parametrize("count", [3, 30])
def test_the_api_list_costs_the_same_number_of_queries_for_3_and_30(client, world, secretary_a, count):
    client.force_login(secretary_a)
    client.get(BASE + "/")
    assert _list_queries(client, world, count) == API_LIST_QUERIES


API_LIST_QUERIES = 5
