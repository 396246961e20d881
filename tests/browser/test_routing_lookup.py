"""The routing form in a real browser: the area and the handler organization are typed, the lookup
offers the matches (htmx fills a <datalist>), and the picked codes make the rule."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dangjian.service import services
from dangjian.service.models import RoutingRule
from tests.browser.helpers import assert_accessible, log_in
from tests.service import conftest as service_conftest

pytestmark = pytest.mark.browser
service_world = service_conftest.service_world  # the service fixtures live beside the service tests

PASSWORD = "correct horse 9"  # tests.factories.UserFactory's password


def test_a_rule_is_made_by_typing_the_area_and_the_organization(
    any_page, world, service_world, district_admin
):
    page = any_page
    log_in(page, "district_admin", PASSWORD)
    page.goto(reverse("service:routing_create"))

    page.locator("#id_area").press_sequentially("光明")
    expect(page.locator(f"#id_area-options option[value='{world.community_b.code}']")).to_have_count(1)
    expect(page.locator(f"#id_area-options option[value='{world.community_a.code}']")).to_have_count(0)
    page.locator("#id_handler_org").press_sequentially("光明社区委")
    expect(page.locator(f"#id_handler_org-options option[value='{world.org_b.code}']")).to_have_count(1)
    assert_accessible(page)

    page.locator("#id_category").select_option(str(service_world.garbage.pk))
    page.locator("#id_area").fill(world.community_b.code)
    page.locator("#id_handler_org").fill(world.org_b.code)
    page.locator("main form [type=submit]").click()

    expect(page).to_have_url(reverse("service:routing_list"))
    rule = RoutingRule.objects.get(category=service_world.garbage, area=world.community_b)
    assert rule.handler_org == world.org_b
    assert services.route_for(service_world.garbage, world.grid_b1) == (world.org_b, None)
