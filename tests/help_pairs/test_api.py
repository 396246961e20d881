"""帮扶对子 API: a stale edit answers 409, a refused rule 400 with its message, the helper logs on
their own pair by identity, and the pair list costs the same for 3 and 30 rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.help_pairs.models import HelpPair, Visit
from tests.factories import PersonFactory
from tests.help_pairs.helpers import member_helper, pair, pair_in_a, today


def test_a_stale_edit_answers_409_and_changes_nothing(client, world, secretary_a):
    made = pair_in_a(world)
    client.force_login(secretary_a)
    url = reverse("api:help_pairs_pair_update", kwargs={"id": made.pk})
    assert (
        client.patch(
            url, {"version": 1, "visit_interval_days": 14}, content_type="application/json"
        ).status_code
        == 200
    )
    stale = client.patch(url, {"version": 1, "visit_interval_days": 7}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["rule"] == "version"
    made.refresh_from_db()
    assert made.visit_interval_days == 14


def test_a_visit_in_the_future_answers_400_with_the_rule(client, world, secretary_a):
    made = pair_in_a(world)
    client.force_login(secretary_a)
    response = client.post(
        reverse("api:help_pairs_visit_create", kwargs={"id": made.pk}),
        {"visited_on": today().replace(year=today().year + 1).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_the_helper_logs_on_their_own_pair_through_the_api(client, world):
    helper_user = member_helper(world)
    own = pair(helper_user.person, world.grid_a1, world.org_a)
    client.force_login(helper_user)
    response = client.post(
        reverse("api:help_pairs_visit_create", kwargs={"id": own.pk}),
        {"findings": "看望"},
        content_type="application/json",
    )
    assert response.status_code == 201 and Visit.objects.get().logged_by == helper_user
    listed = client.get(reverse("api:help_pairs_visit_list"), {"pair_id": own.pk}).json()
    assert [row["findings"] for row in listed["items"]] == ["看望"]
    assert client.get(reverse("api:help_pairs_pair_list")).status_code == 403


def test_the_overdue_filter_and_a_flat_cost(client, world, secretary_a):
    client.force_login(secretary_a)
    url = reverse("api:help_pairs_pair_list")

    def cost(total: int) -> int:
        while HelpPair.objects.count() < total:
            pair(PersonFactory(name="帮扶人"), world.grid_a1, world.org_a, since_days=90, interval=30)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url, {"overdue": "true"}).json()
        assert len(body["items"]) == total
        return len(queries)

    assert cost(3) == cost(30)
