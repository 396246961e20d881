"""Extreme input is refused where it enters, with a Chinese message, and never answers 500.

Each case here once broke a page or answered 500: a meeting dated 9999-12-31 accepted by the API
(the meetings page then failed for the secretary and every superior), Open311 dates in year 9999,
ids above 2⁶³−1 in a URL, ``null`` for a NOT NULL field in a PATCH, a token expiring in 9999, and
a grid's history page once the grid's household list had been opened.
"""

from __future__ import annotations

import base64
import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from dangjian.accounts.models import ApiToken
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry, Person
from dangjian.life.models import Meeting
from dangjian.members.models import PartyMember, Resident
from dangjian.orgs.models import Organization
from tests.factories import PersonFactory
from tests.life.helpers import plain_meeting

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
HUGE_ID = "99999999999999999999"  # 10²⁰ − 1, above 2⁶³ − 1


def api_messages(response) -> str:
    """The messages of a ninja 422 (a list of errors) or of a domain 4xx (one detail)."""
    detail = response.json()["detail"]
    return " ".join(error["msg"] for error in detail) if isinstance(detail, list) else detail


# --- dates ---------------------------------------------------------------------------------------


def test_meeting_dated_9999_is_refused_by_the_api_and_not_saved(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.post(
        reverse("api:meeting_create"),
        {
            "org_id": world.branch_a1.pk,
            "kind": "branch_general",
            "title": "第四季度支部党员大会",
            "starts_at": "9999-12-31T20:00:00Z",
            "ends_at": "9999-12-31T22:00:00Z",
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    message = api_messages(response)
    assert "9999-12-31" in message and HAN.search(message)
    assert not Meeting.objects.exists()
    assert client.get(reverse("life:meeting_list")).status_code == 200


def test_meeting_dated_9999_is_refused_by_the_page_form_and_not_saved(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.post(
        reverse("life:meeting_create", kwargs={"org_pk": world.branch_a1.pk}),
        {
            "kind": "branch_general",
            "title": "会议",
            "starts_at": "9999-12-31T09:00",
            "ends_at": "9999-12-31T11:00",
        },
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "9999-12-31" in text and "超出合理范围" in text
    assert not Meeting.objects.exists()


def test_ledger_member_born_in_year_1_is_refused_by_the_api(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.post(
        reverse("api:ledger_member_create"),
        {
            "org_id": world.branch_a1.pk,
            "name": "张三",
            "id_number": "110105199001011234",
            "birth_date": "0001-01-01",
            "status": "full",
            "category": "on_job",
            "joined_on": "1800-07-01",
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    message = api_messages(response)
    assert "0001-01-01" in message and "1800-07-01" in message and HAN.search(message)
    assert not PartyMember.objects.exists()


def test_open311_start_date_in_year_9999_answers_400_in_open311_format(client, world):
    url = reverse("open311:request_list", kwargs={"fmt": "json"})

    for name in ("start_date", "end_date"):
        response = client.get(url, {name: "9999-12-31T00:00:00Z"})

        assert response.status_code == 400
        [error] = response.json()
        assert error["code"] == 400
        assert name in error["description"] and HAN.search(error["description"])


def test_token_expiring_in_9999_is_refused_on_the_tokens_page(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.post(reverse("accounts:token_create"), {"name": "脚本", "expires_on": "9999-12-31"})

    assert response.status_code == 400
    text = response.content.decode()
    assert "9999-12-31" in text and "超出合理范围" in text
    assert not ApiToken.objects.exists()


# --- ids beyond 2⁶³ ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/life/meetings/{HUGE_ID}/",
        f"/orgs/organizations/{HUGE_ID}/",
        f"/api/v1/ledger/members/{HUGE_ID}",
        f"/api/v1/orgs/organizations/{HUGE_ID}",
        f"/api/v1/life/meetings/{HUGE_ID}",
    ],
)
def test_id_above_2_63_in_a_url_answers_404(client, world, secretary_a, path):
    client.force_login(secretary_a)

    assert client.get(path).status_code == 404


def test_largest_database_id_still_reaches_the_view(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.get(f"/api/v1/ledger/members/{2**63 - 1}")

    assert response.status_code == 404
    assert HAN.search(response.json()["detail"])  # the API's own 404, not an unmatched route


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/ledger/members?org={HUGE_ID}",
        f"/api/v1/life/meetings?org={HUGE_ID}",
        f"/api/v1/service/requests?area={HUGE_ID}",
        f"/api/v1/orgs/organizations?parent={HUGE_ID}",
        f"/members/?org={HUGE_ID}",
        f"/life/meetings/?org={HUGE_ID}",
        "/life/meetings/?month=9999-12",
        "/life/meetings/?month=0001-01",
    ],
)
def test_id_above_2_63_in_a_query_string_is_not_a_server_error(client, world, secretary_a, path):
    client.force_login(secretary_a)

    assert client.get(path).status_code < 500


def test_cursor_naming_year_9999_or_a_huge_id_answers_400_with_a_message(client, world, secretary_a):
    client.force_login(secretary_a)

    for raw in ("9999-12-31T23:59:59+00:00|1", f"2026-01-01T00:00:00+08:00|{HUGE_ID}"):
        cursor = base64.urlsafe_b64encode(raw.encode()).decode()
        response = client.get(reverse("api:meeting_list"), {"cursor": cursor})

        assert response.status_code == 400
        assert HAN.search(api_messages(response))


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern


def test_every_route_takes_ids_through_the_bounded_converter():
    unbounded = [
        route
        for route, pattern in _patterns(get_resolver())
        if any(
            isinstance(converter, IntConverter) for converter in getattr(pattern, "converters", {}).values()
        )
    ]

    assert unbounded == [], "use <id:…> (dangjian.core.converters), not <int:…>"


# --- null in a PATCH -------------------------------------------------------------------------------


def _member(world) -> PartyMember:
    return PartyMember.objects.create(
        person=PersonFactory(name="张三"),
        org=world.branch_a1,
        joined_on=datetime.date(2010, 7, 1),
        regularized_on=datetime.date(2011, 7, 1),
        workplace="区医院",
    )


def test_null_workplace_in_a_ledger_patch_is_refused_and_nothing_changes(client, world, secretary_a):
    member = _member(world)
    client.force_login(secretary_a)

    response = client.patch(
        reverse("api:ledger_member_update", kwargs={"id": member.pk}),
        {"version": member.version, "workplace": None},
        content_type="application/json",
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "workplace" and HAN.search(error["msg"])
    member.refresh_from_db()
    assert member.workplace == "区医院"


def test_empty_workplace_in_a_ledger_patch_clears_it(client, world, secretary_a):
    member = _member(world)
    client.force_login(secretary_a)

    response = client.patch(
        reverse("api:ledger_member_update", kwargs={"id": member.pk}),
        {"version": member.version, "workplace": ""},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content.decode()
    member.refresh_from_db()
    assert member.workplace == ""


def test_null_name_in_an_organization_patch_is_refused_and_nothing_changes(client, world, admin):
    client.force_login(admin)

    response = client.patch(
        reverse("api:org_update", kwargs={"id": world.org_a.pk}),
        {"version": world.org_a.version, "name": None},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert HAN.search(api_messages(response))
    assert Organization.objects.get(pk=world.org_a.pk).name == world.org_a.name


# --- the grid's history after its household list was opened --------------------------------------


def test_grid_history_shows_the_household_list_look_instead_of_a_500(client, world, grid_worker_a, admin):
    person = Person(name="张大爷")
    person.save()
    Resident.objects.create(person=person, area=world.building_a1, household="3单元502")
    client.force_login(grid_worker_a)
    assert (
        client.get(reverse("service:grid_households", kwargs={"area_pk": world.grid_a1.pk})).status_code
        == 200
    )
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, object_id=str(world.grid_a1.pk)).exists()
    client.force_login(admin)

    response = client.get(reverse("orgs:area_history", kwargs={"pk": world.grid_a1.pk}))

    assert response.status_code == 200
    assert "查看的居民" in response.content.decode()


# --- found by schemathesis -----------------------------------------------------------------------


def test_photo_upload_without_a_multipart_boundary_answers_400_with_a_message(client, world, secretary_a):
    client.force_login(secretary_a)

    response = client.post(
        reverse("api:service_request_photo", kwargs={"id": 1}), data=b"x", content_type="multipart/form-data"
    )

    assert response.status_code == 400
    assert HAN.search(response.json()["detail"])


def test_attendance_naming_a_member_id_above_2_63_answers_4xx_with_a_message(client, world, secretary_a):
    meeting = plain_meeting(world.branch_a1, "主题党日")
    client.force_login(secretary_a)

    response = client.post(
        reverse("api:meeting_attendance", kwargs={"id": meeting.pk}),
        [{"member_id": int(HUGE_ID), "status": "absent_personal"}],
        content_type="application/json",
    )

    assert 400 <= response.status_code < 500
    assert HAN.search(api_messages(response))
