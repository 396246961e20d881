"""帮扶对子 pages: the list's filters and scope (two-role persona included), fixed query counts,
logging a visit from 我的 on a phone, the person panel and the figures with their records."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure
from dangjian.help_pairs.choices import PairKind
from dangjian.help_pairs.models import HelpPair, Visit
from tests.factories import PersonFactory
from tests.help_pairs.helpers import member_helper, member_in, pair, pair_in_a, pair_in_b, today


def _rows(response) -> set[int]:
    return {pair.pk for pair in response.context["page"]}


def test_the_list_shows_only_the_pairs_of_the_secretarys_scope(client, world, secretary_a):
    mine, theirs = pair_in_a(world), pair_in_b(world)
    client.force_login(secretary_a)
    response = client.get(reverse("help_pairs:pair_list"))
    assert _rows(response) == {mine.pk}
    assert "李帮扶" in response.content.decode() and "赵帮扶" not in response.content.decode()
    assert theirs.helper.name not in response.content.decode()


def test_a_grid_post_in_another_community_adds_no_pair_to_the_list(client, world, secretary_a_grid_worker_b):
    mine, theirs = pair_in_a(world), pair_in_b(world)
    assert theirs.area == world.grid_b1
    client.force_login(secretary_a_grid_worker_b)
    assert _rows(client.get(reverse("help_pairs:pair_list"))) == {mine.pk}
    assert client.get(reverse("help_pairs:pair_detail", args=[theirs.pk])).status_code == 404


def test_the_list_filters_by_kind_and_overdue(client, world, secretary_a):
    late = pair(PersonFactory(name="甲"), world.grid_a1, world.org_a, since_days=90, interval=30)
    fresh = pair(PersonFactory(name="乙"), world.grid_a1, world.org_a, since_days=5, interval=30)
    firm = pair(
        PersonFactory(name="丙"),
        world.grid_a1,
        world.org_a,
        kind=PairKind.ENTERPRISE,
        enterprise_name="幸福食品厂",
    )
    client.force_login(secretary_a)
    url = reverse("help_pairs:pair_list")
    assert _rows(client.get(url, {"overdue": "1"})) == {late.pk, firm.pk}
    assert _rows(client.get(url, {"kind": "enterprise"})) == {firm.pk}
    assert _rows(client.get(url, {"kind": "family", "overdue": "1"})) == {late.pk}
    assert fresh.pk in _rows(client.get(url))
    assert _rows(client.get(url, {"org": world.branch_a1.pk})) == set()
    assert client.get(url, {"org": world.org_b.pk}).status_code == 404


def test_setting_up_a_pair_on_the_page(client, world, secretary_a):
    client.force_login(secretary_a)
    helper = member_in(world.branch_a1, "周干部")
    response = client.post(
        reverse("help_pairs:pair_create"),
        {
            "helper": helper.pk,
            "kind": "village",
            "area": world.community_a.pk,
            "org": world.org_a.pk,
            "since": today().isoformat(),
            "visit_interval_days": 30,
        },
    )
    made = HelpPair.objects.get()
    assert response.status_code == 302 and made.helper == helper and made.target_name == "幸福社区"


def test_a_person_outside_the_scope_cannot_be_chosen_as_helper(client, world, secretary_a):
    client.force_login(secretary_a)
    outsider = member_in(world.branch_b1, "外社区党员")
    response = client.post(
        reverse("help_pairs:pair_create"),
        {
            "helper": outsider.pk,
            "kind": "village",
            "area": world.community_a.pk,
            "org": world.org_a.pk,
            "since": today().isoformat(),
            "visit_interval_days": 30,
        },
    )
    assert response.status_code == 200 and "helper" in response.context["form"].errors
    assert not HelpPair.objects.exists()


def test_a_stale_edit_on_the_page_says_so_and_changes_nothing(client, world, secretary_a):
    made = pair_in_a(world)
    HelpPair.objects.filter(pk=made.pk).update(version=2)
    client.force_login(secretary_a)
    response = client.post(
        reverse("help_pairs:pair_edit", args=[made.pk]),
        {
            "helper": made.helper_id,
            "kind": "family",
            "family_head": made.family_head_id,
            "area": made.area_id,
            "org": made.org_id,
            "since": made.since.isoformat(),
            "visit_interval_days": 7,
            "version": 1,
        },
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    made.refresh_from_db()
    assert made.visit_interval_days == 30


def test_a_member_sees_their_pairs_on_mine_and_logs_a_visit_from_the_phone(client, world):
    helper_user = member_helper(world)
    mine = pair(helper_user.person, world.grid_a1, world.org_a, since_days=90, interval=30)
    client.force_login(helper_user)

    index = client.get(reverse("mine:index"))
    assert index.status_code == 200
    body = index.content.decode()
    assert 'data-mine-section="help_pairs"' in body
    assert reverse("help_pairs:visit_create", args=[mine.pk]) in body

    form = client.get(reverse("help_pairs:visit_create", args=[mine.pk]))
    assert form.status_code == 200 and 'name="viewport"' in form.content.decode()
    done = client.post(
        reverse("help_pairs:visit_create", args=[mine.pk]),
        {
            "visited_on": today().isoformat(),
            "findings": "老人身体好",
            "problems_raised": "缺少助听器",
            "problems_raised_count": 1,
            "problems_solved_count": 0,
        },
    )
    assert done.status_code == 302
    assert Visit.objects.get().logged_by == helper_user
    assert client.get(done["Location"]).status_code == 200
    # The helper reaches their own pairs only; the list stays closed to them.
    other = pair(PersonFactory(name="别人"), world.grid_a1, world.org_a)
    assert client.get(reverse("help_pairs:visit_create", args=[other.pk])).status_code == 404
    assert client.get(reverse("help_pairs:pair_list")).status_code == 403


def test_the_person_page_shows_pairs_where_the_person_helps_or_is_helped(client, world, secretary_a):
    made = pair_in_a(world)
    client.force_login(secretary_a)
    helper_page = client.get(reverse("members:person_detail", args=[made.helper_id])).content.decode()
    assert 'data-panel="help_pairs"' in helper_page and "王困难" in helper_page
    head_page = client.get(reverse("members:person_detail", args=[made.family_head_id])).content.decode()
    assert 'data-panel="help_pairs"' in head_page and "李帮扶" in head_page


def _same_cost(client, url: str, grow) -> None:
    def count_with(total: int) -> int:
        grow(total)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(30)


@pytest.mark.parametrize("name", ["help_pairs:pair_list", "help_pairs:visit_list"])
def test_the_lists_cost_the_same_for_3_and_30_rows(client, world, secretary_a, name):
    client.force_login(secretary_a)

    def grow(total: int) -> None:
        while HelpPair.objects.count() < total:
            pair(
                PersonFactory(name=f"帮扶人{HelpPair.objects.count()}"),
                world.grid_a1,
                world.org_a,
                last_visit_days=3,
            )

    _same_cost(client, reverse(name), grow)


def test_the_pair_page_costs_the_same_for_3_and_30_visits(client, world, secretary_a):
    made = pair_in_a(world)
    client.force_login(secretary_a)

    def grow(total: int) -> None:
        while Visit.objects.count() < total:
            Visit.objects.create(pair=made, visited_on=today(), findings="走访")

    _same_cost(client, reverse("help_pairs:pair_detail", args=[made.pk]), grow)


def test_the_figures_count_what_their_lists_show(client, world, secretary_a):
    one = pair(PersonFactory(name="甲"), world.grid_a1, world.org_a, last_visit_days=3)
    Visit.objects.create(pair=one, visited_on=today(), problems_solved="修好水管", problems_solved_count=2)
    ended = pair(PersonFactory(name="乙"), world.grid_a1, world.org_a, state="ended")
    pair(PersonFactory(name="丙"), world.grid_b1, world.org_b, last_visit_days=3)
    period = Period(today() - datetime.timedelta(days=30), today() + datetime.timedelta(days=1))
    client.force_login(secretary_a)

    active = get_figure("help_pairs.active")
    assert active.compute(world.org_a, period) == 1
    listed = client.get(active.records_url(world.org_a, period))
    assert _rows(listed) == {one.pk} and ended.pk not in _rows(listed)

    visits = get_figure("help_pairs.visits")
    assert visits.compute(world.org_a, period) == 2
    assert len(client.get(visits.records_url(world.org_a, period)).context["page"]) == 2

    solved = get_figure("help_pairs.problems_solved")
    assert solved.compute(world.org_a, period) == 2
    assert len(client.get(solved.records_url(world.org_a, period)).context["page"]) == 1
