"""Revealing a clear ID number or mobile: only with the permission, and every reveal audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry, Person
from tests.core.people import resident_in, valid_id_number

ID_A = valid_id_number(321)
MOBILE_A = "13912345678"


@pytest.fixture
def person_a(world):
    return resident_in(world.building_a1, "张伟", id_number=ID_A, mobile=MOBILE_A)


@pytest.fixture
def person_b(world):
    return resident_in(world.grid_b1, "李娜", id_number=valid_id_number(654))


def _reveal(client, person, field, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("members:person_reveal", args=[person.pk, field]), headers=headers)


def test_secretary_reveals_the_id_number_and_an_audit_line_is_written(client, secretary_a, person_a):
    client.force_login(secretary_a)
    response = _reveal(client, person_a, "id_number")
    assert response.status_code == 200
    assert ID_A in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert entry.user_id == secretary_a.pk
    assert entry.object_id == str(person_a.pk)
    assert entry.changes == {"field": [None, "id_number"]}
    assert ID_A not in str(entry.changes) + entry.note + entry.object_repr


def test_secretary_reveals_the_mobile(client, secretary_a, person_a):
    client.force_login(secretary_a)
    assert MOBILE_A in _reveal(client, person_a, "mobile").content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL).count() == 1


def test_a_plain_form_post_gets_the_whole_page_with_the_value(client, secretary_a, person_a):
    client.force_login(secretary_a)
    response = _reveal(client, person_a, "mobile", htmx=False)
    page = response.content.decode()
    assert response.status_code == 200
    assert MOBILE_A in page
    assert "<html" in page


def test_reveal_without_the_permission_is_refused_shows_nothing_and_is_not_logged(
    client, grid_worker_a, person_a
):
    client.force_login(grid_worker_a)  # may view people in the grid, may not reveal
    response = _reveal(client, person_a, "id_number")
    assert response.status_code == 403
    assert ID_A not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_of_a_person_outside_scope_is_404(client, secretary_a, person_b):
    client.force_login(secretary_a)
    assert _reveal(client, person_b, "id_number").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_of_an_unknown_field_is_404(client, secretary_a, person_a):
    client.force_login(secretary_a)
    assert _reveal(client, person_a, "name").status_code == 404


def test_reveal_needs_post(client, secretary_a, person_a):
    client.force_login(secretary_a)
    url = reverse("members:person_reveal", args=[person_a.pk, "id_number"])
    assert client.get(url).status_code == 405
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_the_database_never_holds_the_clear_id_number_or_mobile(person_a):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Person._meta.db_table} WHERE id = %s", [person_a.pk])
        row = cursor.fetchone()
    stored = " ".join(str(value) for value in row)
    assert ID_A not in stored
    assert MOBILE_A not in stored
    assert person_a.id_number_masked in stored


def test_a_reveal_shows_in_the_audit_log_of_the_district_admin_and_not_of_the_other_community(
    client, secretary_a, district_admin, secretary_b, person_a
):
    client.force_login(secretary_a)
    assert _reveal(client, person_a, "mobile").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert entry.area_path == person_a.residences.get().area.path

    client.force_login(district_admin)
    listing = client.get(reverse("core:audit_list"), {"action": AuditAction.REVEAL})
    assert reverse("core:audit_detail", args=[entry.pk]) in listing.content.decode()

    client.force_login(secretary_b)
    assert client.get(reverse("core:audit_detail", args=[entry.pk])).status_code in {403, 404}
