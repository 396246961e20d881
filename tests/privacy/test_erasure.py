"""删除: erasing a resident on request removes their personal data from every registered source
and from the encrypted and lookup columns, in one transaction, while the figures of past periods
stay the same; a party member is refused; staff outside the resident's scope cannot erase."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry, Person
from dangjian.core.periods import Period
from dangjian.core.personal import ID_NUMBER, MOBILE, lookup_hash
from dangjian.core.registry import get_figure, personal_data_sources
from dangjian.members.models import PartyMember, Resident
from dangjian.portal.models import PhoneVerification
from dangjian.privacy import services
from dangjian.privacy.choices import ErasureState
from dangjian.privacy.models import ErasureRequest
from dangjian.service.figures.rollup import recompute_rollup, stored_rollup
from dangjian.service.models import ServiceRequest
from dangjian.service_posts.models import ResidentNote
from tests.privacy.helpers import everywhere, resident
from tests.service.test_figures import march  # noqa: F401 (requests of 13800138000 in Feb and March 2026)
from tests.service.test_figures_registry import KEYS

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world, service_world):
    zhang = everywhere(world, service_world, name="张秀英", serial=101, mobile="13911110001")
    wang = everywhere(world, service_world, name="王建国", serial=202, mobile="13922220002")
    return zhang, wang


def _erase(person, by):
    erasure = services.record_erasure_request(
        person, by=by, requester="self", requested_on=person.created_at.date(), reason="本人撤回同意"
    )
    return services.erase_person(erasure, by=by)


def _every_text_column_of_the_database() -> str:
    """Every text value of every table the platform's models own, as one string to search."""
    from django.apps import apps

    parts = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy or model._meta.label_lower == "core.auditentry":
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if field.get_internal_type() in {"CharField", "TextField", "JSONField", "EmailField"}
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                parts.extend(str(value) for value in row if value)
    return "\n".join(parts)


def test_an_erased_residents_personal_data_is_gone_everywhere_and_the_other_resident_keeps_theirs(
    secretary_a, two
):
    zhang, wang = two
    old_mobile_hash = lookup_hash(MOBILE, zhang.mobile)
    old_id_hash = lookup_hash(ID_NUMBER, zhang.id_number)
    old_masked = (zhang.person.id_number_masked, zhang.person.mobile_masked)
    result = _erase(zhang.person, secretary_a)
    assert result.erasure.state == ErasureState.DONE

    person = Person.objects.get(pk=zhang.person.pk)
    assert person.name == f"已注销居民{person.pk}"
    assert (person.id_number_cipher, person.id_number_hash, person.id_number_masked) == ("", None, "")
    assert (person.mobile_cipher, person.mobile_hash, person.mobile_masked) == ("", None, "")
    assert person.birth_date is None and person.gender == ""
    assert not Person.objects.with_id_number(zhang.id_number).exists()
    assert not Person.objects.search("张秀英").exists()
    # Lookup hashes anywhere: requests, the portal's codes, notes, the login.
    assert not ServiceRequest.objects.filter(contact_phone_hash=old_mobile_hash).exists()
    assert not PhoneVerification.objects.filter(phone_hash=old_mobile_hash).exists()
    assert not ResidentNote.objects.filter(phone_hash=old_mobile_hash).exists()
    assert not User.objects.filter(mobile_hash=old_mobile_hash).exists()
    assert not Person.objects.filter(id_number_hash=old_id_hash).exists()
    # Every registered source, read for the erased person, holds none of the values.
    for source in personal_data_sources():
        text = " ".join(str(value) for row in source.rows(person) for value in row.values())
        for value in zhang.values() + list(old_masked):
            assert value not in text, (source.key, value)
    # And no text column of any table (the audit log aside: its own test) still holds them.
    everything = _every_text_column_of_the_database()
    for value in (zhang.name, zhang.household, zhang.address, zhang.email, zhang.note, *old_masked):
        assert value not in everything, value
    # The other resident keeps every trace.
    for value in (wang.name, wang.household, wang.address, wang.email, wang.note):
        assert value in everything
    assert Person.objects.with_mobile(wang.mobile).get().pk == wang.person.pk


def test_the_rows_stay_anonymized_not_deleted_and_the_login_is_closed(secretary_a, two):
    zhang, _wang = two
    requests_before = ServiceRequest.objects.count()
    _erase(zhang.person, secretary_a)
    assert ServiceRequest.objects.count() == requests_before
    request_obj = ServiceRequest.objects.get(contact_name="", address="")
    assert request_obj.description == "楼道里的垃圾三天没人清运"  # the matter itself is kept
    assert str(request_obj.latitude) == "39.905000"  # coarsened to about 100 m, for the map
    assert Resident.objects.get(person=zhang.person).household == ""
    user = User.objects.get(person=zhang.person)
    assert not user.is_active and not user.has_usable_password() and user.email == ""


def test_service_figures_of_past_months_are_identical_after_an_erasure(world, secretary_a, march):  # noqa: F811
    # The march fixture's requests were all reported from 13800138000: that resident is erased.
    person = resident(world.building_a1, "刘桂兰", serial=303, mobile="13800138000")
    assert ServiceRequest.objects.filter(contact_phone_hash=person.mobile_hash).count() >= 8
    periods = [Period.month(2026, 2), Period.month(2026, 3)]
    nodes = [world.community_a, world.org_a, world.grid_a1]

    def figures():
        return {
            (key, node.pk, period.start): get_figure(key).compute(node, period)
            for key in KEYS
            if key != "service.overdue"  # the open requests' count as of today, not of a past month
            for node in nodes
            for period in periods
        }

    before = figures()
    assert any(before.values())
    rollup_before = stored_rollup()
    _erase(person, secretary_a)
    assert not ServiceRequest.objects.filter(contact_phone_hash__isnull=False).exists()
    assert figures() == before
    assert stored_rollup() == rollup_before == recompute_rollup()


def test_a_party_member_is_refused_with_a_message_and_nothing_changes(world, secretary_a):
    person = resident(world.building_a1, "赵党员", serial=404, mobile="13944440004")
    PartyMember.objects.create(person=person, org=world.branch_a1)
    with pytest.raises(RuleViolation) as refused:
        services.record_erasure_request(
            person, by=secretary_a, requester="self", requested_on=person.created_at.date(), reason="本人要求"
        )
    assert refused.value.rule == "erasure_refused"
    assert "赵党员" in refused.value.message
    # A request recorded before the person joined is refused when it is carried out, too.
    person2 = resident(world.building_a1, "钱预备", serial=405, mobile="13944440005")
    erasure = services.record_erasure_request(
        person2, by=secretary_a, requester="self", requested_on=person2.created_at.date(), reason="本人要求"
    )
    PartyMember.objects.create(person=person2, org=world.branch_a1)
    with pytest.raises(RuleViolation):
        services.erase_person(erasure, by=secretary_a)
    person2.refresh_from_db()
    assert person2.name == "钱预备" and person2.mobile_masked
    assert ErasureRequest.objects.get(pk=erasure.pk).state == ErasureState.PENDING


def test_the_page_refuses_a_party_member_with_the_reason(client, world, secretary_a):
    person = resident(world.building_a1, "孙党员", serial=406, mobile="13944440006")
    PartyMember.objects.create(person=person, org=world.branch_a1)
    client.force_login(secretary_a)
    response = client.post(
        reverse("privacy:erasure_create", args=[person.pk]),
        {"requester": "self", "requested_on": "2026-01-05", "reason": "本人要求"},
    )
    assert response.status_code == 400
    assert "孙党员" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_staff_outside_the_residents_scope_cannot_erase(
    client, world, secretary_a, secretary_b, grid_worker_a, two
):
    zhang, _wang = two
    with pytest.raises(PermissionDenied):
        services.record_erasure_request(
            zhang.person,
            by=secretary_b,
            requester="self",
            requested_on=zhang.person.created_at.date(),
            reason="x",
        )
    erasure = services.record_erasure_request(
        zhang.person,
        by=secretary_a,
        requester="self",
        requested_on=zhang.person.created_at.date(),
        reason="x",
    )
    with pytest.raises(PermissionDenied):
        services.erase_person(erasure, by=secretary_b)
    client.force_login(secretary_b)
    confirm = reverse("privacy:erasure_confirm", args=[erasure.pk])
    assert client.post(confirm, {"confirm": "on"}).status_code == 404
    client.force_login(grid_worker_a)
    assert client.post(confirm, {"confirm": "on"}).status_code == 403
    zhang.person.refresh_from_db()
    assert zhang.person.name == "张秀英"


def test_the_confirmation_must_be_ticked(client, secretary_a, two):
    zhang, _wang = two
    client.force_login(secretary_a)
    created = client.post(
        reverse("privacy:erasure_create", args=[zhang.person.pk]),
        {"requester": "self", "requested_on": "2026-01-05", "reason": "本人撤回同意"},
    )
    assert created.status_code == 302
    erasure = ErasureRequest.objects.get()
    page = client.get(created["Location"])
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    refused = client.post(reverse("privacy:erasure_confirm", args=[erasure.pk]), {})
    assert refused.status_code == 400
    assert ErasureRequest.objects.get().state == ErasureState.PENDING
    done = client.post(reverse("privacy:erasure_confirm", args=[erasure.pk]), {"confirm": "on"})
    assert done.status_code == 302
    assert ErasureRequest.objects.get().state == ErasureState.DONE


def test_the_audit_lines_of_an_erasure_hold_no_clear_personal_value(secretary_a, two):
    zhang, _wang = two
    masked = (zhang.person.id_number_masked, zhang.person.mobile_masked)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    _erase(zhang.person, secretary_a)
    lines = AuditEntry.objects.filter(id__gt=last)
    assert lines.count() >= 3  # the request recorded, carried out, and the person's line
    text = " ".join(f"{line.object_repr} {line.changes} {line.note}" for line in lines)
    for value in zhang.values() + list(masked):
        assert value not in text, value
