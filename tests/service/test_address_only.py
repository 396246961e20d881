"""Requests reported with an address only (待定位): accepted from the portal, Open311 and the staff
form, filed under the node they came in for, visible only to that node's dispatchers, and placed
in a grid by one of them, after which they go where a request of that grid goes.

Filing (``services.intake.filing_area``): the community the resident chose; else, for staff, the
one subtree where they register requests; else the root of the area tree (the district).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.accounts.choices import BuiltinRole
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.orgs.choices import AreaKind, OrgKind
from dangjian.service import services
from dangjian.service.choices import RequestSource, RequestState
from dangjian.service.models import ServiceRequest
from dangjian.service.open311 import issue_key
from tests.factories import UserFactory, add_area, add_org, assign
from tests.portal.helpers import report
from tests.service.conftest import file_request

pytestmark = pytest.mark.django_db

QUEUE = reverse("service:queue")
ADDRESS = "和平街道幸福路 8 号院东门"


@pytest.fixture
def outbox(settings):
    from tests.portal import sms

    settings.SMS_BACKEND = "tests.portal.sms.outbox_backend"
    sms.OUTBOX.clear()
    yield sms.OUTBOX
    sms.OUTBOX.clear()


@pytest.fixture
def street_staff(world):
    """A dispatcher of 和平街道 (staff of its 党工委): dispatches everything in the street."""
    user = UserFactory(username="street_staff", last_name="周", first_name="街道")
    assign(user, BuiltinRole.ORG_STAFF, world.street_org)
    return user


@pytest.fixture
def other_street(world):
    """A second street of the district with a community, a grid and that grid's worker."""
    street = add_area(world.district, "安宁街道", "110105002", AreaKind.STREET)
    community = add_area(street, "安宁社区", "110105002001", AreaKind.COMMUNITY)
    grid = add_area(community, "安宁社区第一网格", "110105002001G01", AreaKind.GRID)
    street_org = add_org(
        world.district_org, "中共安宁街道工作委员会", "S0002", OrgKind.WORKING_COMMITTEE, jurisdiction=street
    )
    add_org(street_org, "中共安宁社区委员会", "C0003", OrgKind.PRIMARY_COMMITTEE, jurisdiction=community)
    worker = UserFactory(username="grid_worker_other_street", last_name="吴", first_name="网格员")
    assign(worker, BuiltinRole.GRID_WORKER, grid)
    return {"street": street, "grid": grid, "worker": worker}


def unplaced(world, service_world, *, area=None, source=RequestSource.PORTAL) -> ServiceRequest:
    return file_request(world, service_world.garbage, area=area, address=ADDRESS, source=source)


def sections(client) -> dict[str, int]:
    response = client.get(QUEUE)
    assert response.status_code == 200
    return {item["name"]: item["count"] for item in response.context["sections"]}


def queue_codes(client, section: str) -> set[str]:
    page = client.get(QUEUE, {"section": section}).content.decode()
    return set(re.findall(r'font-monospace">([0-9A-Z]{10})<', page))


def place(client, request_obj, grid, **extra):
    return client.post(
        reverse("service:request_action", args=[request_obj.pk, "place"]),
        {"version": request_obj.version, "area": grid.code, **extra},
    )


# --- accepted ------------------------------------------------------------------------------------


def test_the_portal_accepts_a_report_with_only_an_address(client, world, service_world, outbox):
    response = report(client, service_world.garbage, address=ADDRESS, area="", latitude="", longitude="")

    assert response.status_code == 302, response.content.decode()[:2000]
    created = ServiceRequest.objects.get()
    assert created.awaiting_location and created.address == ADDRESS
    assert created.area == world.district and created.org == world.district_org
    assert created.latitude is None and created.state == RequestState.REPORTED


def test_the_portal_files_a_report_under_the_community_the_resident_chose(
    client, world, service_world, outbox
):
    page = client.get(reverse("portal:submit")).content.decode()
    assert f'value="{world.community_a.pk}"' in page

    response = report(client, service_world.garbage, address=ADDRESS, area=str(world.community_a.pk))

    assert response.status_code == 302
    created = ServiceRequest.objects.get()
    assert created.awaiting_location and created.area == world.community_a and created.org == world.org_a


def test_open311_accepts_address_string_without_coordinates(client, world, service_world):
    key = issue_key("12345热线")[1]
    answer = client.post(
        reverse("open311:request_list", kwargs={"fmt": "json"}),
        {"api_key": key, "service_code": "SR01", "description": "垃圾堆放", "address_string": ADDRESS},
    )

    assert answer.status_code == 200, answer.content
    created = ServiceRequest.objects.get(tracking_code=answer.json()[0]["service_request_id"])
    assert created.awaiting_location and created.area == world.district
    assert created.source == RequestSource.OPEN311 and created.latitude is None


def test_the_staff_form_registers_a_hotline_call_with_only_an_address(
    client, world, service_world, secretary_a
):
    client.force_login(secretary_a)

    response = client.post(
        reverse("service:request_create"),
        {
            "source": RequestSource.HOTLINE,
            "category": service_world.garbage.pk,
            "description": "热线来电：垃圾没人收",
            "address": ADDRESS,
        },
    )

    assert response.status_code == 302
    created = ServiceRequest.objects.get()
    assert created.awaiting_location and created.area == world.community_a
    assert created.reported_by == secretary_a


def test_nothing_at_all_about_the_place_is_still_refused(world, service_world):
    with pytest.raises(RuleViolation) as refusal:
        services.submit_request(
            category=service_world.garbage, description="垃圾堆放", source=RequestSource.OPEN311, address=" "
        )

    assert refusal.value.rule == "area.required"
    assert not ServiceRequest.objects.exists()


# --- who sees it ---------------------------------------------------------------------------------


def test_it_waits_in_the_unplaced_section_of_the_filing_nodes_dispatchers(
    client, world, service_world, secretary_a, secretary_b
):
    mine = [unplaced(world, service_world, area=world.community_a) for _ in range(2)]
    unplaced(world, service_world, area=world.community_b)
    placed = file_request(world, service_world.garbage)
    client.force_login(secretary_a)

    counts = sections(client)

    assert counts["unplaced"] == 2
    assert counts["new"] == 1  # the placed one only: an unplaced request cannot be accepted yet
    assert queue_codes(client, "unplaced") == {request_obj.tracking_code for request_obj in mine}
    assert placed.tracking_code not in queue_codes(client, "unplaced")
    client.force_login(secretary_b)
    assert sections(client)["unplaced"] == 1


def test_a_request_filed_under_the_street_is_seen_by_the_streets_dispatchers_only(
    client, world, service_world, street_staff, secretary_a, grid_worker_a, other_street
):
    request_obj = unplaced(world, service_world, area=world.street)
    detail = reverse("service:request_detail", args=[request_obj.pk])

    client.force_login(street_staff)
    assert sections(client)["unplaced"] == 1
    page = client.get(detail)
    assert page.status_code == 200
    assert reverse("service:request_action", args=[request_obj.pk, "place"]) in page.content.decode()
    assert reverse("orgs:area_lookup") in page.content.decode()
    # A community below it, a grid worker inside the street, and a grid worker of another street: 404.
    for outsider in (secretary_a, grid_worker_a, other_street["worker"]):
        client.force_login(outsider)
        assert client.get(detail).status_code == 404
        assert not ServiceRequest.objects.visible_to(outsider).filter(pk=request_obj.pk).exists()


def test_a_grid_worker_of_another_street_cannot_see_a_request_placed_in_this_one(
    client, world, service_world, secretary_a, other_street
):
    request_obj = unplaced(world, service_world, area=world.community_a)
    services.place_request(request_obj, by=secretary_a, grid=world.grid_a1)
    client.force_login(other_street["worker"])

    assert client.get(reverse("service:request_detail", args=[request_obj.pk])).status_code == 404
    assert request_obj.tracking_code not in client.get(reverse("service:request_list")).content.decode()


# --- placing -------------------------------------------------------------------------------------


def test_the_dispatcher_places_it_and_it_is_routed_like_a_request_of_that_grid(
    client, world, service_world, street_staff, secretary_a
):
    request_obj = unplaced(world, service_world, area=world.street)
    due = request_obj.due_at
    assert due == services.due_for(service_world.garbage, request_obj.created_at)
    assert not services.may(street_staff, "accept", request_obj)
    client.force_login(street_staff)

    response = place(client, request_obj, world.grid_a1, note="按地址核实")

    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert not request_obj.awaiting_location
    assert (request_obj.area, request_obj.area_path) == (world.grid_a1, world.grid_a1.path)
    assert request_obj.org == world.org_a and request_obj.state == RequestState.REPORTED
    # The deadline runs from the report, as for every request: placing does not move it.
    assert request_obj.due_at == due
    event = request_obj.events.get(action="place")
    assert event.by == street_staff and event.data["area"] == [world.street.name, world.grid_a1.name]
    assert (
        AuditEntry.objects.filter(object_id=str(request_obj.pk), note__startswith="service.place").count()
        == 1
    )
    # Now it is 社区A's new report: accepted and dispatched to the routing table's handler.
    client.force_login(secretary_a)
    assert request_obj.tracking_code in queue_codes(client, "new")
    services.accept_request(request_obj, by=secretary_a)
    services.dispatch_request(request_obj, by=secretary_a)
    assert request_obj.handler_org == world.branch_a1  # 垃圾清运's handler in this grid
    assert request_obj.due_at == due


def test_placing_by_someone_outside_the_filing_scope_answers_404(
    client, world, service_world, secretary_b, grid_worker_a
):
    request_obj = unplaced(world, service_world, area=world.community_a)

    for outsider in (secretary_b, grid_worker_a):
        client.force_login(outsider)
        assert place(client, request_obj, world.grid_a1).status_code == 404
    request_obj.refresh_from_db()
    assert request_obj.awaiting_location and request_obj.area == world.community_a


def test_a_dispatcher_cannot_place_it_in_a_grid_outside_their_scope(
    client, world, service_world, secretary_a
):
    request_obj = unplaced(world, service_world, area=world.community_a)

    with pytest.raises(PermissionDenied) as refusal:
        services.place_request(request_obj, by=secretary_a, grid=world.grid_b1)
    client.force_login(secretary_a)
    page = place(client, request_obj, world.grid_b1)
    with pytest.raises(RuleViolation):
        services.place_request(request_obj, by=secretary_a, grid=world.community_a)

    assert refusal.value.rule == "place.permission"
    assert page.status_code == 302  # back to the request with the form's message
    request_obj.refresh_from_db()
    assert request_obj.awaiting_location and request_obj.area == world.community_a


def test_a_placed_request_cannot_be_placed_again_and_accept_waits_for_placing(
    world, service_world, secretary_a
):
    request_obj = unplaced(world, service_world, area=world.community_a)
    with pytest.raises(RuleViolation) as early:
        services.accept_request(request_obj, by=secretary_a)
    services.place_request(request_obj, by=secretary_a, grid=world.grid_a1)

    with pytest.raises(RuleViolation) as again:
        services.place_request(request_obj, by=secretary_a, grid=world.grid_a2)

    assert early.value.rule == "accept.unplaced" and again.value.rule == "place.placed"
    assert not services.may(secretary_a, "place", request_obj)


def test_the_api_places_a_request(client, world, service_world, secretary_a):
    request_obj = unplaced(world, service_world, area=world.community_a)
    client.force_login(secretary_a)

    answer = client.post(
        f"/api/v1/service/requests/{request_obj.pk}/place",
        {"area_id": world.grid_a2.pk, "version": request_obj.version},
        content_type="application/json",
    )

    assert answer.status_code == 200, answer.content
    assert answer.json()["awaiting_location"] is False and answer.json()["area_id"] == world.grid_a2.pk


# --- cost ----------------------------------------------------------------------------------------


def _queue_queries(client, section: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"section": section})
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("section", ["unplaced", "all"])
def test_the_unplaced_section_costs_the_same_queries_for_3_and_30_requests(
    client, world, service_world, street_staff, section
):
    client.force_login(street_staff)
    for _ in range(3):
        unplaced(world, service_world, area=world.street)
    three = _queue_queries(client, section)
    for number in range(27):
        unplaced(world, service_world, area=world.community_a if number % 2 else world.street)

    assert sections(client)["unplaced"] == 30
    assert _queue_queries(client, section) == three
