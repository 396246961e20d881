"""What the 工作台's counts link to: the filters added for them refuse bad input without a 500,
and the grid-worker figures equal a recomputation from the posts and memberships."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.core.periods import Period
from dangjian.core.person_scope import refresh_scope_keys
from dangjian.core.registry import get_figure
from dangjian.members.models import GridWorker, PartyMember
from tests.factories import PersonFactory

PERIOD = Period.year(datetime.date.today().year)


@pytest.mark.parametrize(
    "url",
    [
        reverse("service:queue") + "?org=abc",
        reverse("service:queue") + "?org=99999999999999999999",
        reverse("service:queue") + "?org=424242",
    ],
)
def test_the_queue_answers_404_to_an_organization_it_cannot_show(client, secretary_a, url):
    client.force_login(secretary_a)
    assert client.get(url).status_code == 404


def test_the_queue_refuses_an_organization_out_of_scope(client, world, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("service:queue"), {"org": world.org_b.pk}).status_code == 404
    assert client.get(reverse("service:queue"), {"org": world.branch_a1.pk}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"urgency": "whenever"},
        {"visited_on": "9999-12-31"},
        {"visited_on": "0001-01-01"},
        {"visited_on": "not a date"},
        {"urgency": "overdue", "visited_on": "2026-02-30"},
    ],
)
def test_the_request_list_takes_bad_urgency_and_visit_days_without_a_500(client, secretary_a, query):
    client.force_login(secretary_a)
    assert client.get(reverse("service:request_list"), query).status_code in (200, 400)


@pytest.mark.parametrize("org", ["-1", "abc", "99999999999999999999", "0"])
def test_the_transfer_list_takes_a_bad_organization_without_a_500(client, secretary_a, org):
    client.force_login(secretary_a)
    assert client.get(reverse("members:transfer_list"), {"org": org, "direction": "in"}).status_code == 200


def test_the_transfer_list_refuses_an_organization_out_of_scope(client, world, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("members:transfer_list"), {"org": world.org_b.pk}).status_code == 404


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-3"])
def test_the_people_list_takes_a_bad_grid_node_without_a_500(client, secretary_a, value):
    client.force_login(secretary_a)
    assert client.get(reverse("members:person_list"), {"grid_area": value}).status_code == 200


def test_the_compliance_page_takes_a_bad_outstanding_flag_without_a_500(client, world, secretary_a):
    client.force_login(secretary_a)
    response = client.get(
        reverse("life:compliance"),
        {
            "org": world.org_a.pk,
            "outstanding": "maybe",
            "missing": "any",
            "start": "9999-12-01",
            "end": "9999-13-01",
        },
    )
    assert response.status_code == 200


def test_the_grid_worker_figures_equal_a_recomputation(client, world, secretary_a):
    member = PartyMember.objects.create(person=PersonFactory(name="党员网格员"), org=world.branch_a1)
    plain = PersonFactory(name="群众网格员")
    GridWorker.objects.create(person=member.person, area=world.grid_a1, kind="full_time")
    GridWorker.objects.create(person=member.person, area=world.grid_a2, kind="part_time")  # one person
    GridWorker.objects.create(person=plain, area=world.grid_a2, kind="full_time")
    GridWorker.objects.create(person=PersonFactory(name="光明网格员"), area=world.grid_b1, kind="full_time")
    GridWorker.objects.create(
        person=PersonFactory(name="离任网格员"), area=world.grid_a1, kind="full_time", is_active=False
    )
    refresh_scope_keys()

    posts = [post for post in GridWorker.objects.select_related("area") if post.is_active]
    for node, area in (
        (world.org_a, world.community_a),
        (world.community_a, world.community_a),
        (world.street_org, world.street),
    ):
        people = {post.person_id for post in posts if post.area.path.startswith(area.path)}
        members = {p for p in people if PartyMember.objects.filter(person_id=p, is_active=True).exists()}
        assert get_figure("members.grid_workers").compute(node, PERIOD) == len(people)
        assert get_figure("members.grid_workers_members").compute(node, PERIOD) == len(members)
        share = get_figure("members.grid_worker_member_share").compute(node, PERIOD)
        assert share == (Decimal(len(members)) / Decimal(len(people))).quantize(Decimal("0.0001"))

    client.force_login(secretary_a)
    listed = client.get(get_figure("members.grid_workers").records_url(world.org_a, PERIOD)).content.decode()
    assert (
        "党员网格员" in listed
        and "群众网格员" in listed
        and "光明网格员" not in listed
        and "离任网格员" not in listed
    )
    members_only = client.get(
        get_figure("members.grid_worker_member_share").records_url(world.org_a, PERIOD)
    ).content.decode()
    assert "党员网格员" in members_only and "群众网格员" not in members_only


def test_an_organization_without_a_jurisdiction_has_no_grid_worker_figures(world):
    from dangjian.orgs.choices import OrgKind
    from tests.factories import add_org

    unit = add_org(world.street_org, "某机关党支部", "J0001", OrgKind.BRANCH)
    assert get_figure("members.grid_workers").compute(unit, PERIOD) is None
    assert get_figure("members.grid_worker_member_share").compute(unit, PERIOD) is None


def test_the_members_figure_counts_the_active_members_of_the_subtree(world):
    PartyMember.objects.create(person=PersonFactory(), org=world.branch_a1)
    PartyMember.objects.create(person=PersonFactory(), org=world.org_a, is_active=False)
    PartyMember.objects.create(person=PersonFactory(), org=world.branch_b1)
    assert get_figure("members.active_members").compute(world.org_a, PERIOD) == 1
    assert get_figure("members.active_members").compute(world.street_org, PERIOD) == 2
