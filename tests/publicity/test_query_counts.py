"""List pages cost the same number of queries for 3 rows as for 30."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.publicity.choices import Audience
from tests.proposals.helpers import proposal_at
from tests.publicity.helpers import announcement_at, make_secretary_a_a_member


def _queries(client, url: str) -> int:
    client.get(url)  # the first page of a session fills per-session caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url_name",
    [
        "publicity:announcement_list",
        "publicity:my_announcements",
        "publicity_portal:archive",
        "proposals:proposal_list",
        "proposals_portal:proposal_list",
    ],
)
def test_a_list_costs_as_many_queries_for_3_rows_as_for_30(url_name, world, secretary_a, client):
    make_secretary_a_a_member(world)  # she reads 我的公告 too
    client.force_login(secretary_a)
    counts = []
    for start, end in ((0, 3), (3, 30)):
        for index in range(start, end):
            audience = Audience.PUBLIC if index % 2 else Audience.SUBTREE
            announcement_at(world.org_a, f"通知{index}", audience=audience)
            proposal_at(world.org_a, f"提议{index}")
        counts.append(_queries(client, reverse(url_name)))
    assert counts[0] == counts[1]
