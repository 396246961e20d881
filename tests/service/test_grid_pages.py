"""The grid worker's phone pages: my grids, 上报 on patrol, logging a visit, households and neighbours."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry, Person
from dangjian.members.choices import GridWorkerKind
from dangjian.members.models import GridWorker, Resident
from dangjian.orgs.choices import AreaKind
from dangjian.service.choices import RequestSource
from dangjian.service.models import ServiceRequest
from dangjian.service.views.grid import parse_household
from tests.factories import add_area
from tests.service.conftest import file_request

pytestmark = pytest.mark.django_db


def _resident(area, name: str, household: str, mobile: str = "13800138000") -> Resident:
    person = Person(name=name)
    person.mobile = mobile
    person.save()
    return Resident.objects.create(person=person, area=area, household=household)


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


# --- my grids -------------------------------------------------------------------------------------


def test_grid_worker_sees_only_their_grid_with_its_open_requests(client, world, service_world, grid_worker_a):
    mine = file_request(world, service_world.garbage, description="一号门垃圾堆积")
    file_request(world, service_world.garbage, area=world.grid_b1, description="光明社区的诉求")
    client.force_login(grid_worker_a)

    response = client.get(reverse("service:grid_home"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "幸福社区第一网格" in text
    assert "光明社区第一网格" not in text
    assert "一号门垃圾堆积" in text and mine.tracking_code in text
    assert "光明社区的诉求" not in text
    assert "上报" in text and "走访" in text


def test_grid_home_lists_overdue_and_supervised_requests_first(client, world, service_world, grid_worker_a):
    soon = file_request(world, service_world.garbage, description="较晚到期的诉求")
    late = file_request(world, service_world.garbage, description="已超期的诉求")
    ServiceRequest.objects.filter(pk=late.pk).update(
        due_at=soon.due_at.replace(year=2020), is_supervised=True
    )
    client.force_login(grid_worker_a)

    text = client.get(reverse("service:grid_home")).content.decode()

    assert text.index("已超期的诉求") < text.index("较晚到期的诉求")
    assert "已超期" in text or "超期" in text
    assert "督办" in text


def test_grid_worker_with_a_post_sees_the_grid_of_the_post(client, world, service_world, grid_worker_a):
    person = Person.objects.create(name="赵网格员")
    grid_worker_a.person = person
    grid_worker_a.save()
    GridWorker.objects.create(person=person, area=world.grid_a1, kind=GridWorkerKind.choices[0][0])
    client.force_login(grid_worker_a)

    text = client.get(reverse("service:grid_home")).content.decode()

    assert "幸福社区第一网格" in text


def test_staff_without_posts_can_search_the_grids_of_their_scope(client, world, secretary_a):
    client.force_login(secretary_a)

    text = client.get(reverse("service:grid_home"), {"q": "第二网格"}).content.decode()

    assert "幸福社区第二网格" in text
    assert "幸福社区第一网格" not in text


def test_grid_home_costs_the_same_queries_for_3_and_30_requests(client, world, service_world, secretary_a):
    client.force_login(secretary_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("service:grid_home")).status_code == 200
        return len(queries)

    for _ in range(3):
        file_request(world, service_world.garbage)
    few = count()
    for index in range(27):
        file_request(world, service_world.garbage, area=world.grid_a2 if index % 2 else world.grid_a1)
    assert count() == few


def test_resident_without_role_is_refused_the_grid_home(client, resident):
    client.force_login(resident)
    assert client.get(reverse("service:grid_home")).status_code == 403


# --- 上报 ----------------------------------------------------------------------------------------


def test_report_from_the_grid_page_creates_a_patrol_request_in_that_grid(
    client, world, service_world, grid_worker_a
):
    client.force_login(grid_worker_a)
    url = reverse("service:grid_report", kwargs={"area_pk": world.grid_a1.pk})
    page = client.get(url).content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page

    response = client.post(
        url,
        {
            "category": service_world.lighting.pk,
            "description": "3号楼门前路灯不亮",
            "photo": _jpeg(),
            "latitude": "39.905123456",
            "longitude": "116.405",
            "contact_name": "王阿姨",
            "contact_phone": "13912345678",
        },
        follow=True,
    )

    request_obj = ServiceRequest.objects.get(description="3号楼门前路灯不亮")
    assert request_obj.source == RequestSource.PATROL
    assert request_obj.area == world.grid_a1
    assert request_obj.reported_by == grid_worker_a
    assert request_obj.photos.count() == 1
    assert str(request_obj.latitude) == "39.905123"
    assert request_obj.contact_phone_masked.startswith("139")
    assert request_obj.tracking_code in response.content.decode()
    assert "已上报" in response.content.decode() or "跟踪编号" in response.content.decode()


def test_report_needs_a_leaf_category_and_a_description(client, world, service_world, grid_worker_a):
    client.force_login(grid_worker_a)
    url = reverse("service:grid_report", kwargs={"area_pk": world.grid_a1.pk})

    response = client.post(url, {"category": service_world.parent.pk, "description": ""})

    assert response.status_code == 200
    assert not ServiceRequest.objects.exists()
    text = response.content.decode()
    assert "请从列表中选择一个类别" in text
    assert "这个字段是必填项" in text


def test_report_offers_the_categories_the_worker_used_recently_first(
    client, world, service_world, grid_worker_a
):
    file_request(world, service_world.lighting, by=grid_worker_a, source=RequestSource.PATROL)
    client.force_login(grid_worker_a)

    text = client.get(reverse("service:grid_report", kwargs={"area_pk": world.grid_a1.pk})).content.decode()

    assert text.index("最近使用") < text.index("路灯维修") < text.index("全部类别")


def test_grid_worker_cannot_report_in_another_grid(client, world, service_world, grid_worker_a):
    client.force_login(grid_worker_a)
    response = client.get(reverse("service:grid_report", kwargs={"area_pk": world.grid_b1.pk}))
    assert response.status_code == 404


# --- 走访 ----------------------------------------------------------------------------------------


def test_logging_a_visit_increments_the_count_and_writes_the_note(
    client, world, service_world, grid_worker_a
):
    request_obj = file_request(world, service_world.garbage)
    client.force_login(grid_worker_a)
    url = reverse("service:grid_visit", kwargs={"pk": request_obj.pk})
    assert client.get(url).status_code == 200

    response = client.post(url, {"note": "上门了解情况"}, follow=True)

    request_obj.refresh_from_db()
    assert request_obj.visit_count == 1
    assert request_obj.events.filter(action="visit", note="上门了解情况").exists()
    assert "已记录走访" in response.content.decode()


def test_visit_on_a_request_of_another_grid_is_not_found(client, world, service_world, grid_worker_a):
    request_obj = file_request(world, service_world.garbage, area=world.grid_b1)
    client.force_login(grid_worker_a)
    response = client.post(reverse("service:grid_visit", kwargs={"pk": request_obj.pk}), {"note": ""})
    assert response.status_code == 404
    request_obj.refresh_from_db()
    assert request_obj.visit_count == 0


# --- households -----------------------------------------------------------------------------------


def test_household_list_masks_personal_data_and_audits_each_look(client, world, grid_worker_a):
    _resident(world.building_a1, "张大爷", "3单元502", mobile="13812345678")
    client.force_login(grid_worker_a)

    response = client.get(reverse("service:grid_households", kwargs={"area_pk": world.grid_a1.pk}))

    text = response.content.decode()
    assert response.status_code == 200
    assert "张大爷" in text and "3单元502" in text and "1号楼" in text
    assert "13812345678" not in text
    assert "138****5678" in text
    # A grid worker may not reveal: no button to the reveal endpoint.
    assert "/reveal/" not in text
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL, object_type="orgs.area")
    assert entry.user_id == grid_worker_a.pk and entry.object_id == str(world.grid_a1.pk)


def test_secretary_may_reveal_a_residents_mobile_through_the_audited_reveal(client, world, secretary_a):
    resident = _resident(world.building_a1, "张大爷", "3单元502", mobile="13812345678")
    client.force_login(secretary_a)

    text = client.get(
        reverse("service:grid_households", kwargs={"area_pk": world.grid_a1.pk})
    ).content.decode()
    reveal_url = reverse("members:person_reveal", kwargs={"pk": resident.person_id, "field": "mobile"})
    assert reveal_url in text

    response = client.post(reveal_url, HTTP_HX_REQUEST="true")
    assert "13812345678" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, object_type="core.person").exists()


def test_grid_worker_of_a1_does_not_see_the_households_of_b1(client, world, grid_worker_a):
    _resident(world.grid_b1, "光明居民", "1单元101")
    client.force_login(grid_worker_a)
    response = client.get(reverse("service:grid_households", kwargs={"area_pk": world.grid_b1.pk}))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_household_list_costs_the_same_queries_for_3_and_30_residents(client, world, grid_worker_a):
    client.force_login(grid_worker_a)
    url = reverse("service:grid_households", kwargs={"area_pk": world.grid_a1.pk})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    building_2 = add_area(world.grid_a1, "2号楼", "110105001001G01B02", AreaKind.BUILDING)
    for index in range(3):
        _resident(world.building_a1, f"居民{index}", f"1单元{101 + index}")
    few = count()
    for index in range(27):
        _resident(building_2 if index % 2 else world.building_a1, f"住户{index}", f"2单元{201 + index}")
    assert count() == few


# --- neighbours -----------------------------------------------------------------------------------


def test_household_strings_give_unit_and_floor():
    assert parse_household("3单元502") == ("3", 5)
    assert parse_household("2单元1203室") == ("2", 12)
    assert parse_household("502") == ("", 5)
    assert parse_household("东侧平房") == ("", None)


def test_neighbours_of_a_household_are_grouped_by_floor_unit_and_building(client, world, grid_worker_a):
    home = _resident(world.building_a1, "张大爷", "3单元502")
    _resident(world.building_a1, "李奶奶", "3单元501")
    _resident(world.building_a1, "王叔", "3单元402")
    _resident(world.building_a1, "刘姐", "1单元101")
    client.force_login(grid_worker_a)

    response = client.get(reverse("service:grid_household_neighbours", kwargs={"resident_pk": home.pk}))

    text = response.content.decode()
    assert response.status_code == 200
    assert text.index("同层") < text.index("李奶奶") < text.index("同单元") < text.index("王叔")
    assert text.index("同楼栋") < text.index("刘姐")
    assert "13800138000" not in text
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, object_id=str(world.building_a1.pk)).exists()


def test_neighbours_by_address_finds_the_building_in_the_grid(client, world, grid_worker_a):
    _resident(world.building_a1, "张大爷", "3单元502")
    _resident(world.building_a1, "李奶奶", "3单元501")
    client.force_login(grid_worker_a)

    response = client.get(
        reverse("service:grid_neighbours", kwargs={"area_pk": world.grid_a1.pk}), {"address": "1号楼3单元502"}
    )

    text = response.content.decode()
    assert "李奶奶" in text and "张大爷" in text


def test_neighbours_of_a_household_in_another_grid_are_not_found(client, world, grid_worker_a):
    other = _resident(world.grid_b1, "光明居民", "1单元101")
    client.force_login(grid_worker_a)
    response = client.get(reverse("service:grid_household_neighbours", kwargs={"resident_pk": other.pk}))
    assert response.status_code == 404
