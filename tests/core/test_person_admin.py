"""People in the admin: personal data shown masked, entered plainly, de-duplicated; audit log read-only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry, Person
from dangjian.core.validators import id_number_check_digit

ID_NUMBER = "11010519491231002X"
OTHER_ID_NUMBER = "11010519800101001" + id_number_check_digit("11010519800101001")
MOBILE = "13812345678"


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def zhang(db) -> Person:
    person = Person(name="张伟")
    person.id_number = ID_NUMBER
    person.mobile = MOBILE
    person.save()
    return person


def person_data(**overrides) -> dict:
    return {
        "name": "王芳",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": "",
        "education": "",
        "id_number_input": "",
        "mobile_input": "",
        **overrides,
    }


def test_list_and_form_show_personal_data_masked_never_clear(admin_client, zhang):
    listing = admin_client.get(reverse("admin:core_person_changelist")).content.decode()
    form = admin_client.get(reverse("admin:core_person_change", args=[zhang.pk])).content.decode()
    for page in (listing, form):
        assert "110***********002X" in page
        assert "138****5678" in page
        assert ID_NUMBER not in page
        assert MOBILE not in page


def test_adding_a_person_stores_id_number_and_mobile_encrypted(admin_client):
    response = admin_client.post(
        reverse("admin:core_person_add"),
        person_data(id_number_input=OTHER_ID_NUMBER.lower(), mobile_input="139 0000 1111"),
    )
    assert response.status_code == 302
    person = Person.objects.get(name="王芳")
    assert person.id_number.clear() == OTHER_ID_NUMBER
    assert person.mobile.clear() == "13900001111"
    assert OTHER_ID_NUMBER not in person.id_number_cipher
    assert list(Person.objects.with_id_number(OTHER_ID_NUMBER)) == [person]
    entry = AuditEntry.objects.get(object_type="core.person", action=AuditAction.CREATE)
    assert OTHER_ID_NUMBER not in str(entry.changes)
    assert entry.changes["id_number_masked"][1] == person.id_number_masked


def test_leaving_the_inputs_empty_keeps_the_stored_values(admin_client, zhang):
    response = admin_client.post(
        reverse("admin:core_person_change", args=[zhang.pk]), person_data(name="张伟", gender="male")
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.id_number.clear() == ID_NUMBER
    assert zhang.mobile.clear() == MOBILE
    entry = AuditEntry.objects.get(object_type="core.person", action=AuditAction.UPDATE)
    assert entry.changes == {"gender": ["", "male"]}


def test_a_wrong_id_number_is_refused_with_the_validators_message(admin_client):
    response = admin_client.post(
        reverse("admin:core_person_add"), person_data(id_number_input="110105194912310021")
    )
    assert response.status_code == 200
    assert "身份证号校验位不正确" in response.content.decode()
    assert not Person.objects.filter(name="王芳").exists()


def test_a_wrong_mobile_is_refused(admin_client):
    response = admin_client.post(reverse("admin:core_person_add"), person_data(mobile_input="12345678901"))
    assert response.status_code == 200
    assert "手机号“12345678901”格式不正确" in response.content.decode()


def test_a_duplicate_id_number_names_the_person_who_has_it(admin_client, zhang):
    response = admin_client.post(reverse("admin:core_person_add"), person_data(id_number_input=ID_NUMBER))
    content = response.content.decode()
    assert response.status_code == 200
    assert f"已登记为人员“张伟”（编号 {zhang.pk}）" in content
    assert ID_NUMBER not in content.replace(f'value="{ID_NUMBER}"', "")
    assert Person.objects.count() == 1


def test_saving_a_person_with_their_own_id_number_again_is_not_a_duplicate(admin_client, zhang):
    response = admin_client.post(
        reverse("admin:core_person_change", args=[zhang.pk]),
        person_data(name="张伟", id_number_input=ID_NUMBER),
    )
    assert response.status_code == 302


def test_admin_search_finds_people_by_pinyin_initials(admin_client, zhang):
    response = admin_client.get(reverse("admin:core_person_changelist"), {"q": "zw"})
    assert list(response.context["cl"].result_list) == [zhang]


# --- The audit log in the admin ---------------------------------------------------------------


@pytest.fixture
def entry(db) -> AuditEntry:
    return audit.record(AuditAction.EXPORT, note="导出党员名册", username="secretary_a")


def test_audit_log_is_listed_filtered_and_searched_for_a_superuser(admin_client, entry):
    audit.record(AuditAction.LOGIN, username="secretary_b")
    url = reverse("admin:core_auditentry_changelist")
    assert admin_client.get(url).status_code == 200
    filtered = admin_client.get(url, {"action__exact": AuditAction.EXPORT})
    assert list(filtered.context["cl"].result_list) == [entry]
    searched = admin_client.get(url, {"q": "党员名册"})
    assert list(searched.context["cl"].result_list) == [entry]


def test_not_even_a_superuser_can_add_change_or_delete_audit_entries(admin_client, entry):
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    detail = admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert (
        admin_client.post(
            reverse("admin:core_auditentry_change", args=[entry.pk]), {"note": "改"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(
            reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    listing = admin_client.post(
        reverse("admin:core_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert listing.status_code in {200, 302}
    assert AuditEntry.objects.get(pk=entry.pk).note == "导出党员名册"


def test_unfiltered_audit_list_of_a_huge_table_uses_the_estimate_on_postgresql(
    admin_client, entry, monkeypatch
):
    monkeypatch.setattr("dangjian.core.admin.ESTIMATE_COUNT_ABOVE", 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_auditentry")
    response = admin_client.get(reverse("admin:core_auditentry_changelist"))
    total = AuditEntry.objects.count()  # the entry and the admin's sign-in
    assert total >= 2
    assert response.context["cl"].result_count == total
    assert len(response.context["cl"].result_list) == total
    filtered = admin_client.get(
        reverse("admin:core_auditentry_changelist"), {"action__exact": AuditAction.EXPORT}
    )
    assert filtered.context["cl"].result_count == 1
