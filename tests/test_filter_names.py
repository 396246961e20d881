"""No names through filters (trust issue, point 4): a list filtered by an area or organization
outside the user's scope, or a picker given one, treats it as unknown — no rows and no name.

社区B's organization and areas are outside secretary_a's scope; before, ``?org=`` with their id
printed "中共光明社区委员会 及以下" above an empty list, which told her what the id stood for.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.orgs.choices import OrgKind
from tests.factories import add_org
from tests.service.conftest import file_request, service_world  # noqa: F401 (the fixture)
from tests.volunteering.helpers import volunteer_in_a, volunteer_in_b

B_NAMES = ("中共光明社区委员会", "光明社区")
HUGE = "9" * 30


def _page(client, name: str, **params) -> str:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name, param, node",
    [
        ("members:member_list", "org", "org_b"),
        ("volunteering:volunteer_list", "org", "org_b"),
        ("volunteering:volunteer_list", "area", "community_b"),
        ("service:request_list", "org", "org_b"),
        ("service:request_list", "area", "community_b"),
    ],
)
def test_a_filter_by_another_communitys_node_names_nothing_and_lists_nothing(
    client,
    world,
    service_world,  # noqa: F811 (the fixture imported above)
    secretary_a,
    url_name,
    param,
    node,
):
    volunteer_in_a(world), volunteer_in_b(world)
    file_request(world, service_world.garbage, area=world.grid_b1)
    client.force_login(secretary_a)

    page = _page(client, url_name, **{param: getattr(world, node).pk})

    assert not any(name in page for name in B_NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["members:member_list", "volunteering:volunteer_list", "service:request_list"]
)
@pytest.mark.parametrize("value", [HUGE, "-3", "0", "1e400"])
def test_a_filter_by_an_impossible_id_is_an_empty_list_not_an_error(
    client, world, secretary_a, url_name, value
):
    client.force_login(secretary_a)

    assert client.get(reverse(url_name), {"org": value}).status_code in {200, 400}


@pytest.mark.django_db
def test_a_filter_inside_the_scope_still_names_its_node(client, world, secretary_a):
    volunteer_in_a(world)
    client.force_login(secretary_a)

    page = _page(client, "volunteering:volunteer_list", org=world.branch_a1.pk)

    assert "幸福社区第一网格党支部" in page


@pytest.mark.django_db
def test_the_grid_post_elsewhere_does_not_name_that_communitys_organization_in_the_member_ledger(
    client, world, secretary_a_grid_worker_b
):
    # Her grid post covers 光明社区第一网格党支部, but not the member ledger's permission there.
    client.force_login(secretary_a_grid_worker_b)

    page = _page(client, "members:member_list", org=world.branch_b1.pk)

    assert "光明社区第一网格党支部" not in page


@pytest.mark.django_db
def test_the_pairing_picker_offers_units_and_never_another_communitys_organization(
    client, world, secretary_a
):
    unit = add_org(world.district_org, "区教育局机关党支部", "U0001", OrgKind.BRANCH, field="government")
    url = reverse("dual_reporting:pairing_create", args=[world.community_a.pk])
    client.force_login(secretary_a)

    found = (
        client.get(url, {"q": "社区"}).content.decode() + client.get(url, {"q": "教育局"}).content.decode()
    )
    refused = client.post(url, {"unit_org": world.org_b.pk, "since": "2026-01-05"})
    paired = client.post(url, {"unit_org": unit.pk, "since": "2026-01-05"})

    assert "区教育局机关党支部" in found and "中共光明社区委员会" not in found
    assert refused.status_code == 200 and "中共光明社区委员会" not in refused.content.decode()
    assert paired.status_code == 302


@pytest.mark.django_db
def test_the_pairing_api_refuses_another_communitys_organization_as_a_unit(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.post(
        reverse("api:dual_pairing_create"),
        {"unit_org_id": world.org_b.pk, "community_id": world.community_a.pk},
        content_type="application/json",
    )

    assert response.status_code == 404 and "光明" not in response.content.decode()
