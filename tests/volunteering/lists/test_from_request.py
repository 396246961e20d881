"""Turning a service request into a need: only a request the user can see, copied and linked,
and only once while the need is open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.volunteering.choices import NeedCategory, NeedSource
from dangjian.volunteering.lists import services
from dangjian.volunteering.models import Need
from tests.service.conftest import add_category, file_request


@pytest.fixture
def request_a(world):
    category = add_category(None, "助老服务", "ZL", requests_public=True, default_handler_org=world.org_a)
    return file_request(world, category, description="独居老人家中水管漏水，需要帮忙修理")


@pytest.fixture
def request_b(world):
    category = add_category(None, "助老服务乙", "ZLB", requests_public=True, default_handler_org=world.org_b)
    return file_request(world, category, area=world.grid_b1, description="社区乙的请求")


def test_the_create_page_copies_the_request_and_links_it(client, secretary_a, world, request_a):
    client.force_login(secretary_a)
    url = reverse("volunteering:need_create") + f"?from_request={request_a.pk}"
    page = client.get(url).content.decode()
    assert "独居老人家中水管漏水" in page and request_a.tracking_code in page
    response = client.post(
        reverse("volunteering:need_create"),
        {
            "from_request": request_a.pk,
            "title": request_a.title,
            "description": request_a.description,
            "category": "elderly",
            "area": world.grid_a1.pk,
        },
    )
    assert response.status_code == 302
    need = Need.objects.get()
    assert need.service_request == request_a and need.source == NeedSource.SERVICE_REQUEST


def test_a_request_out_of_sight_is_404_on_the_page_and_refused_by_the_service(
    client, secretary_a, world, request_b
):
    client.force_login(secretary_a)
    assert (
        client.get(reverse("volunteering:need_create") + f"?from_request={request_b.pk}").status_code == 404
    )
    with pytest.raises(PermissionDenied):
        services.create_need(
            by=secretary_a,
            area=world.grid_a1,
            title="x",
            category=NeedCategory.OTHER,
            service_request=request_b,
        )


def test_a_request_is_turned_into_one_open_need_only(secretary_a, world, request_a):
    services.create_need(
        by=secretary_a, area=world.grid_a1, title="a", category=NeedCategory.OTHER, service_request=request_a
    )
    with pytest.raises(RuleViolation) as refusal:
        services.create_need(
            by=secretary_a,
            area=world.grid_a1,
            title="b",
            category=NeedCategory.OTHER,
            service_request=request_a,
        )
    assert refusal.value.rule == "request_once"


def test_the_create_page_finds_a_request_by_its_tracking_code(
    client, secretary_a, world, request_a, request_b
):
    client.force_login(secretary_a)
    url = reverse("volunteering:need_create")
    response = client.get(url, {"request_code": request_a.tracking_code.lower()})
    assert response["Location"] == f"{url}?from_request={request_a.pk}"
    page = client.get(url, {"request_code": request_b.tracking_code})
    assert page.status_code == 200 and request_b.tracking_code in page.content.decode()
    assert "社区乙的请求" not in page.content.decode()
