"""Every 我的 page and the 工作台 card cost the same number of queries for 3 and for 30 records of
each kind (dues months, meetings, attendance, claims, service logs, transfer letters, steps)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.elections.choices import ElectionState
from dangjian.mine.cards import mine_card
from tests.elections.helpers import election_in
from tests.mine.helpers import member_user, plant

PAGES = ["mine:index", "mine:dues", "mine:meetings", "mine:ballots", "mine:service", "mine:transfers"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _member(world, username: str, count: int):
    user = member_user(world.branch_a1, username, "张党员")
    plant(user.person.membership, username, count, community=world.community_a)
    return user


@pytest.mark.parametrize("name", PAGES)
def test_each_page_costs_the_same_for_3_and_30_records(name, client, world):
    election_in(world.branch_a1, state=ElectionState.VOTING)
    few, many = _member(world, "few", 3), _member(world, "many", 30)
    client.force_login(few)
    _queries(client, reverse(name))  # warm caches (content types, the role table)
    count_few = _queries(client, reverse(name))
    client.force_login(many)
    _queries(client, reverse(name))
    assert _queries(client, reverse(name)) == count_few


def test_the_development_page_costs_the_same_for_few_and_many_steps(client, world):
    from tests.mine.helpers import applicant_user

    few = applicant_user(world, "few", until="application_talk")
    many = applicant_user(world, "many", until="oath", applied_years_ago=3)
    counts = []
    for user in (few, many):
        client.force_login(user)
        _queries(client, reverse("mine:development"))
        counts.append(_queries(client, reverse("mine:development")))
    assert counts[0] == counts[1]


def test_the_workbench_card_costs_the_same_for_3_and_30_records(world):
    counts = []
    for username, count in (("few", 3), ("many", 30)):
        user = _member(world, username, count)
        mine_card(user)
        with CaptureQueriesContext(connection) as captured:
            context = mine_card(user)
        assert context is not None
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_page_numbers_of_the_attendance_record_page_through_30_meetings(client, world):
    user = _member(world, "many", 30)
    client.force_login(user)
    first = client.get(reverse("mine:meetings")).content.decode()
    second = client.get(reverse("mine:meetings"), {"page": 2}).content.decode()
    assert first.count("data-attendance=") == 20 and second.count("data-attendance=") == 10
    assert client.get(reverse("mine:meetings"), {"page": "x"}).status_code == 200
    request = RequestFactory().get("/")
    request.user = user
