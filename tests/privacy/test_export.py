"""查阅、复制: one workbook of everything held on a resident, from every registered source, with
nothing of anyone else; audited, behind a recent sign-in, scoped like the people pages."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.registry import personal_data_sources
from tests.factories import as_if_authenticated_minutes_ago
from tests.privacy.helpers import everywhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world, service_world):
    zhang = everywhere(world, service_world, name="张秀英", serial=101, mobile="13911110001")
    wang = everywhere(world, service_world, name="王建国", serial=202, mobile="13922220002")
    return zhang, wang


def _cells(content: bytes) -> dict[str, list[list]]:
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
        for sheet in workbook.worksheets
    }


def test_the_export_holds_the_persons_rows_from_every_source_and_nothing_of_another_person(
    client, secretary_a, two
):
    zhang, wang = two
    client.force_login(secretary_a)
    response = client.get(reverse("privacy:person_export", args=[zhang.person.pk]))
    assert response.status_code == 200
    sheets = _cells(response.content)
    sources = personal_data_sources()
    assert len(sheets) == len(sources)
    for rows in sheets.values():
        assert rows, f"a sheet without the person's rows: {list(sheets)}"
    text = " ".join(str(cell) for rows in sheets.values() for row in rows for cell in row if cell is not None)
    for value in (zhang.name, zhang.household, zhang.address, zhang.email, zhang.note):
        assert value in text
    for value in wang.values():
        assert value not in text
    # Personal numbers leave masked: the clear ones are revealed one by one, audited, elsewhere.
    assert zhang.id_number not in text and zhang.mobile not in text


def test_the_export_is_audited_with_counts_and_no_personal_value(client, secretary_a, two):
    zhang, _wang = two
    client.force_login(secretary_a)
    client.get(reverse("privacy:person_export", args=[zhang.person.pk]))
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["filters"] == {"person": zhang.person.pk}
    assert entry.changes["sources"]["service.requests"] == 1
    line = f"{entry.object_repr} {entry.changes} {entry.note}"
    for value in zhang.values():
        assert value not in line


def test_the_export_asks_for_a_recent_sign_in(client, secretary_a, two):
    zhang, _wang = two
    client.force_login(secretary_a)
    as_if_authenticated_minutes_ago(client, 16)
    response = client.get(reverse("privacy:person_export", args=[zhang.person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_staff_of_another_community_can_neither_see_nor_export_the_resident(
    client, secretary_b, grid_worker_a, two
):
    zhang, _wang = two
    client.force_login(secretary_b)
    assert client.get(reverse("privacy:person_detail", args=[zhang.person.pk])).status_code == 404
    assert client.get(reverse("privacy:person_export", args=[zhang.person.pk])).status_code == 404
    client.force_login(grid_worker_a)
    assert client.get(reverse("privacy:person_export", args=[zhang.person.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_person_page_counts_the_rows_of_each_source_and_finds_the_person_by_mobile(
    client, secretary_a, two
):
    zhang, _wang = two
    client.force_login(secretary_a)
    found = client.get(reverse("privacy:person_list"), {"q": zhang.mobile})
    assert [person.pk for person in found.context["page"].object_list] == [zhang.person.pk]
    page = client.get(reverse("privacy:person_detail", args=[zhang.person.pk]))
    assert page.status_code == 200
    assert all(count >= 1 for _source, count in page.context["sources"])


def test_a_mobile_shared_by_two_people_exports_only_the_requests_signed_with_the_persons_name(
    client, world, service_world, secretary_a
):
    from dangjian.service import services as service_services
    from dangjian.service.choices import RequestSource
    from tests.privacy.helpers import resident

    mother = resident(world.building_a1, "李桂芝", serial=511, mobile="13955550005")
    resident(world.building_a1, "李小明", serial=512, mobile="13955550005")
    for name, address in (("李桂芝", "幸福路1号"), ("李小明", "幸福路2号")):
        service_services.submit_request(
            category=service_world.garbage,
            description="路灯不亮",
            source=RequestSource.PORTAL,
            area=world.grid_a1,
            address=address,
            contact_name=name,
            contact_phone="13955550005",
        )
    client.force_login(secretary_a)
    sheets = _cells(client.get(reverse("privacy:person_export", args=[mother.pk])).content)
    text = " ".join(str(cell) for rows in sheets.values() for row in rows for cell in row if cell is not None)
    assert "幸福路1号" in text and "幸福路2号" not in text and "李小明" not in text
