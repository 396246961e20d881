"""The 工作台 per role (issue 11 point 1): each persona sees the to-dos and cards meant for it, every
count equals a recomputation from the records, every count opens a page listing exactly those
records, and the page costs the same queries for 3 and for 30 rows of each kind."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from dangjian.development.models import Applicant
from dangjian.elections.models import Election
from dangjian.life.choices import MeetingState
from dangjian.members.models import GridWorker, PartyMember, Transfer
from dangjian.orgs.models import Organization
from dangjian.service.choices import OPEN_STATES, RequestAction, RequestState
from dangjian.service.models import RequestEvent, ServiceRequest
from tests.life.helpers import plain_meeting
from tests.service.conftest import file_request
from tests.workbench.data import build, grid_post, street_secretary
from tests.workbench.expected import expected_meetings, expected_others, expected_sections

HOME = reverse("home")


@pytest.fixture(autouse=True)
def english():
    """Labels asserted are the English msgids (the zh-Hans catalog comes with the merge)."""
    with override("en"):
        yield


def todos(client) -> dict[str, object]:
    response = client.get(HOME)
    assert response.status_code == 200
    return {item.key or item.url: item for item in response.context["todos"]}


def card_keys(response) -> set[str]:
    return {card.key for card, _html in response.context["cards"]}


# --- the secretary -----------------------------------------------------------------------------


def test_a_secretarys_todos_equal_a_recomputation_from_the_records(client, world, service_world, secretary_a):
    build(world, service_world, 12)
    held = plain_meeting(
        world.branch_a1, "本月主题党日", kind="theme_day", starts_in=-datetime.timedelta(minutes=5)
    )
    held.state, held.minutes = MeetingState.CLOSED, "记录"
    held.save(update_fields=["state", "minutes"])
    client.force_login(secretary_a)

    shown = todos(client)

    for name, count in expected_sections(world.org_a).items():
        assert (shown[f"service.{name}"].count if f"service.{name}" in shown else 0) == count, name
    for key, count in {**expected_others(world.org_a), **expected_meetings(world.org_a)}.items():
        assert (shown[key].count if key in shown else 0) == count, key
    branches = Organization.objects.filter(path__startswith=world.org_a.path, kind="branch").count()
    assert shown["life.theme_day"].count == branches - 1  # held this month in 社区A's first branch
    assert shown["service.overdue"].count and shown["members.transfers_in"].count == 6


def test_every_count_of_a_secretary_opens_a_page_listing_exactly_those_records(
    client, world, service_world, secretary_a
):
    build(world, service_world, 12)
    client.force_login(secretary_a)
    shown = todos(client)
    now = timezone.now()

    for name in ("overdue", "due_soon", "returned", "review", "new", "unplaced"):
        page = client.get(shown[f"service.{name}"].url)
        assert page.status_code == 200
        listed = set(re.findall(r'font-monospace">([0-9A-Z]{10})<', page.content.decode()))
        assert len(listed) == shown[f"service.{name}"].count, name
        for code in listed:
            item = ServiceRequest.objects.get(tracking_code=code)
            assert item.org_path.startswith(world.org_a.path)
            if name == "overdue":
                assert item.due_at < now
    letters = client.get(shown["members.transfers_in"].url).content.decode()
    assert set(re.findall(r"ZJT-WB-\d{4}", letters)) == {
        t.letter_number for t in Transfer.objects.filter(to_org=world.branch_a1, state="initiated")
    }
    late = client.get(shown["development.late"].url).content.decode()
    assert set(re.findall(r"申请\d{3}", late)) == {
        a.person.name
        for a in Applicant.objects.filter(org=world.branch_a1, next_due_on__lt=timezone.localdate())
    }
    elections = client.get(shown["elections.voting"].url).content.decode()
    assert set(re.findall(r"选举\d{3}", elections)) == {
        e.title for e in Election.objects.filter(org__path__startswith=world.org_a.path, state="voting")
    }
    arrears = client.get(shown["dues.behind"].url).content.decode()
    assert len(set(re.findall(r"欠费\d{3}", arrears))) == 6
    for item in shown.values():
        assert client.get(item.url).status_code == 200, item.url


def test_a_secretary_sees_no_rollup_no_key_figures_and_no_grid_card(
    client, world, service_world, secretary_a
):
    client.force_login(secretary_a)
    response = client.get(HOME)
    assert not card_keys(response) & {"orgs.rollup", "orgs.key_figures", "service.my_grids"}


def test_the_meetings_todo_opens_the_compliance_page_of_what_is_still_to_hold(client, world, secretary_a):
    client.force_login(secretary_a)
    item = todos(client)["life.committee"]
    page = client.get(item.url)
    assert page.status_code == 200
    assert world.branch_a1.name in page.content.decode()
    assert page.context["outstanding"] is True


# --- the street and the district -----------------------------------------------------------------


def test_a_street_sees_each_community_with_counts_that_open_their_records(client, world, service_world):
    build(world, service_world, 12)
    user = street_secretary(world)
    client.force_login(user)

    response = client.get(HOME)

    assert {"orgs.rollup", "orgs.key_figures"} <= card_keys(response)
    html = response.content.decode()
    for org in (world.org_a, world.org_b):
        expected = {**{f"service.{k}": v for k, v in expected_sections(org).items()}, **expected_others(org)}
        for key, count in expected.items():
            cells = re.findall(rf'<tr data-org="{org.pk}">.*?</tr>', html, flags=re.S)[0]
            found = re.search(rf'href="([^"]+)" data-count="{re.escape(key)}">(\d+)<', cells)
            assert (int(found.group(2)) if found else 0) == count, (org.name, key)
            if found:
                url = found.group(1).replace("&amp;", "&")
                assert client.get(url).status_code == 200, url
    queue = client.get(reverse("service:queue"), {"section": "overdue", "org": world.org_b.pk})
    listed = set(re.findall(r'font-monospace">([0-9A-Z]{10})<', queue.content.decode()))
    assert listed and all(
        ServiceRequest.objects.get(tracking_code=c).org_path.startswith(world.org_b.path) for c in listed
    )


def test_the_key_figures_come_from_the_store_with_scope_period_and_links(client, world, service_world):
    build(world, service_world, 6)
    worker = PartyMember.objects.filter(org=world.branch_a1).first().person
    GridWorker.objects.create(person=worker, area=world.grid_a1, kind="full_time")
    from tests.factories import PersonFactory

    GridWorker.objects.create(person=PersonFactory(name="非党员网格员"), area=world.grid_b1, kind="full_time")
    from dangjian.core.person_scope import refresh_scope_keys

    refresh_scope_keys()
    user = street_secretary(world)
    client.force_login(user)

    response = client.get(HOME)

    html = response.content.decode()
    assert world.street_org.name in html and str(timezone.localdate().year) in html
    figures = {
        match.group(2): (match.group(1).replace("&amp;", "&"), match.group(3))
        for match in re.finditer(
            r'href="([^"]+)" title="[^"]*" data-figure="([^"]+)">.*?fs-4 fw-semibold">([^<]+)<', html, re.S
        )
    }
    members = PartyMember.objects.filter(org__path__startswith=world.street_org.path, is_active=True).count()
    assert figures["members.active_members"][1] == str(members)
    assert figures["members.grid_workers"][1] == "2"
    assert figures["members.grid_worker_member_share"][1] == "50.0%"
    received = ServiceRequest.objects.filter(
        org_path__startswith=world.street_org.path,
        accepted_at__isnull=False,
        created_at__year=timezone.localdate().year,
    ).count()
    assert figures["service.received"][1] == str(received)
    for url, _value in figures.values():
        assert client.get(url).status_code == 200, url
    people = client.get(figures["members.grid_worker_member_share"][0]).content.decode()
    assert worker.name in people and "非党员网格员" not in people


def test_the_district_rolls_up_its_streets(client, world, service_world, district_admin):
    build(world, service_world, 6)
    client.force_login(district_admin)
    response = client.get(HOME)
    assert {"orgs.rollup", "orgs.key_figures"} <= card_keys(response)
    assert f'data-org="{world.street_org.pk}"' in response.content.decode()


# --- the grid worker and the department handler -------------------------------------------------


def test_a_grid_worker_sees_their_grids_requests_by_urgency_and_todays_visits(
    client, world, service_world, grid_worker_a
):
    build(world, service_world, 12)
    grid_post(grid_worker_a, world.grid_a1)
    client.force_login(grid_worker_a)

    response = client.get(HOME)

    assert "service.my_grids" in card_keys(response)
    assert "orgs.rollup" not in card_keys(response)
    html = response.content.decode()
    now = timezone.now()
    window = datetime.timedelta(hours=settings.SERVICE_REMIND_BEFORE_HOURS)
    mine = [r for r in ServiceRequest.objects.all() if r.area_path.startswith(world.grid_a1.path)]
    running = [r for r in mine if r.state in OPEN_STATES and r.state != RequestState.SUSPENDED]
    expected = {
        "overdue": sum(r.due_at < now for r in running),
        "due_soon": sum(now <= r.due_at <= now + window for r in running),
        "visited": len(
            {
                e.request_id
                for e in RequestEvent.objects.filter(action=RequestAction.VISIT)
                if e.request.area_path.startswith(world.grid_a1.path)
                and timezone.localdate(e.created_at) == timezone.localdate()
            }
        ),
    }
    expected["later"] = sum(r.state in OPEN_STATES for r in mine) - expected["overdue"] - expected["due_soon"]
    for key, count in expected.items():
        found = re.search(rf'href="([^"]+)" data-count="{key}">\s*<span[^>]*>(\d+)<', html)
        assert int(found.group(2)) == count, key
        page = client.get(found.group(1).replace("&amp;", "&"))
        assert page.status_code == 200
        assert len(set(re.findall(r'font-monospace">([0-9A-Z]{10})<', page.content.decode()))) == count, key


def test_a_department_handler_sees_its_queue_by_section(client, world, service_world, department_user):
    request_obj = file_request(world, service_world.lighting)
    ServiceRequest.objects.filter(pk=request_obj.pk).update(
        state=RequestState.IN_PROGRESS,
        handler_org=None,
        handler_org_path="",
        handler_department=service_world.department,
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    client.force_login(department_user)

    shown = todos(client)

    assert shown["service.overdue"].count == 1
    assert not {
        key for key in shown if key.startswith(("life.", "dues.", "development.", "members.", "elections."))
    }
    assert client.get(shown["service.overdue"].url).status_code == 200
    assert request_obj.tracking_code in client.get(shown["service.overdue"].url).content.decode()


def test_a_user_with_nothing_waiting_sees_an_empty_state(client, resident):
    client.force_login(resident)
    response = client.get(HOME)
    assert response.context["todos"] == []
    assert 'data-section="todos"' in response.content.decode()
    html = response.content.decode()
    todos_section = html[
        html.index('data-section="todos"') : html.index("</section>", html.index('data-section="todos"'))
    ]
    assert "dj-empty" in todos_section


def test_quick_links_are_kept_but_come_after_the_work(client, world, secretary_a):
    client.force_login(secretary_a)
    html = client.get(HOME).content.decode()
    assert html.index('data-section="todos"') < html.index('data-section="quick-links"')
    assert reverse("service:request_list") in html[html.index('data-section="quick-links"') :]


# --- cost ------------------------------------------------------------------------------------------


def _home_queries(client) -> int:
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "persona", ["secretary_a", "street", "district_admin", "grid_worker_a", "department_user"]
)
def test_the_workbench_costs_the_same_queries_for_3_and_for_30_rows_of_each_kind(
    client, world, service_world, persona, request
):
    user = street_secretary(world) if persona == "street" else request.getfixturevalue(persona)
    if persona == "grid_worker_a":
        grid_post(user, world.grid_a1)
    client.force_login(user)
    build(world, service_world, 3)
    three = _home_queries(client)
    build(world, service_world, 27)
    assert _home_queries(client) == three
