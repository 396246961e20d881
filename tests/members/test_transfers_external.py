"""Transfers to and from organizations outside the system: letters, 回执, registration of an
incoming letter, the printable letter (PDF), the member history section and the API."""

from __future__ import annotations

import datetime
import re
import zlib
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.models import AuditEntry, Person
from dangjian.core.registry import registry
from dangjian.dues.choices import PaymentMethod
from dangjian.dues.models import DuesPayment
from dangjian.members import services
from dangjian.members.choices import MemberStatus, TransferDirection, TransferState
from dangjian.members.history import history_sections
from dangjian.members.letter import dues_paid_through
from dangjian.members.models import PartyMember, Resident, Transfer
from tests.factories import PersonFactory, as_if_authenticated_minutes_ago
from tests.members.transfers import (
    ID_NUMBER,
    OTHER_ID_NUMBER,
    incoming_fields,
    member_in,
    open_outgoing,
    open_transfer,
)

INCOMING_KEYS = ["external_letter_number", "incoming_status", "incoming_joined_on", "incoming_regularized_on"]

# --- Letters to the outside ----------------------------------------------------------------------


def test_outgoing_letter_and_its_receipt_take_the_member_off_the_ledger(world, secretary_a):
    member = member_in(world.branch_a1)

    letter = services.issue_outgoing_letter(
        member, external_org_name="中共上海市某区委组织部", by=secretary_a, reason="工作调动"
    )

    today = timezone.localdate()
    assert letter.direction == TransferDirection.OUTGOING
    assert letter.letter_number == f"ZJ{today.year}-000001"
    assert (letter.from_org, letter.to_org, letter.external_org_name) == (
        world.branch_a1,
        None,
        "中共上海市某区委组织部",
    )
    assert PartyMember.objects.get(pk=member.pk).is_active  # still in the ledger until the receipt

    received = services.record_receipt(letter, by=secretary_a, note="回执已收到")

    member.refresh_from_db()
    assert received.state == TransferState.ACCEPTED
    assert not member.is_active
    assert member.version == letter.member_version + 1
    assert member.org == world.branch_a1  # history kept: nothing deleted, the org stays recorded
    assert AuditEntry.objects.filter(
        object_type="members.partymember", object_id=str(member.pk), action="deactivate"
    ).exists()


def test_outgoing_letter_needs_the_outside_organization_and_one_open_letter(world, secretary_a):
    member = member_in(world.branch_a1)
    with pytest.raises(RuleViolation) as refused:
        services.issue_outgoing_letter(member, external_org_name="  ", by=secretary_a)
    assert refused.value.field == "external_org_name"

    open_transfer(member, world.branch_b1)
    with pytest.raises(RuleViolation) as refused:
        services.issue_outgoing_letter(member, external_org_name="中共某委员会", by=secretary_a)
    assert refused.value.rule == "transfer_one_open"


def test_a_receipt_for_a_member_changed_meanwhile_is_refused(world, secretary_a):
    letter = open_outgoing(member_in(world.branch_a1))
    PartyMember.objects.filter(pk=letter.member_id).update(version=7)

    with pytest.raises(RuleViolation) as refused:
        services.accept_transfer(letter, by=secretary_a)  # accept on an outgoing letter is its receipt

    assert refused.value.rule == "transfer_member_changed"
    assert PartyMember.objects.get(pk=letter.member_id).is_active


def test_an_outgoing_letter_that_came_back_leaves_the_member_and_only_the_sender_records_it(
    world, secretary_a, secretary_b
):
    letter = open_outgoing(member_in(world.branch_a1))
    with pytest.raises(PermissionDenied):
        services.record_receipt(letter, by=secretary_b)

    returned = services.return_transfer(letter, by=secretary_a, reason="对方党组织不予接收")

    assert returned.state == TransferState.RETURNED
    assert PartyMember.objects.get(pk=letter.member_id).is_active


def test_the_daily_expiry_covers_external_letters(world, secretary_a):
    outgoing = open_outgoing(member_in(world.branch_a1))
    incoming = services.register_incoming_letter(**incoming_fields(world), by=secretary_a)
    past = timezone.localdate() - datetime.timedelta(days=1)
    Transfer.objects.filter(pk__in=[outgoing.pk, incoming.pk]).update(valid_until=past)

    assert services.expire_transfers() == 2
    assert set(Transfer.objects.values_list("state", flat=True)) == {TransferState.EXPIRED}


def test_letter_numbers_retry_when_a_concurrent_letter_took_the_number(world, secretary_a, monkeypatch):
    taken = open_transfer(member_in(world.branch_b1, "王芳"), world.branch_a1, number="ZJ2099-000001")
    real = services._next_letter_number
    proposals = iter([taken.letter_number])
    monkeypatch.setattr(services, "_next_letter_number", lambda year: next(proposals, None) or real(year))

    letter = services.issue_outgoing_letter(
        member_in(world.branch_a1), external_org_name="中共某委员会", by=secretary_a
    )

    assert letter.letter_number != taken.letter_number
    assert Transfer.objects.filter(letter_number=letter.letter_number).count() == 1


# --- Letters from the outside --------------------------------------------------------------------


def test_registering_an_incoming_letter_creates_the_person_and_no_member_yet(world, secretary_a):
    letter = services.register_incoming_letter(**incoming_fields(world), by=secretary_a)

    person = Person.objects.with_id_number(ID_NUMBER).get()
    assert letter.direction == TransferDirection.INCOMING
    assert letter.incoming_person == person
    assert letter.member is None and letter.from_org is None
    assert (person.name, person.gender, person.ethnicity) == ("周敏", "female", "回族")
    assert not PartyMember.objects.filter(person=person).exists()
    letter.refresh_from_db()
    assert (
        letter.external_letter_number,
        letter.incoming_status,
        letter.incoming_joined_on,
        letter.incoming_regularized_on,
    ) == ("外组-2026-017", MemberStatus.FULL, datetime.date(2005, 7, 1), datetime.date(2006, 7, 1))
    # The facts are the letter's own data: the registration audit line records the change only.
    created = AuditEntry.objects.get(
        object_type="members.transfer", object_id=str(letter.pk), action="create"
    )
    assert "incoming" not in created.changes
    assert created.changes["incoming_status"] == [None, "full"]


def test_an_incoming_letter_without_its_registered_facts_is_not_accepted(world, secretary_a):
    letter = services.register_incoming_letter(**incoming_fields(world), by=secretary_a)
    Transfer.objects.filter(pk=letter.pk).update(incoming_status="", incoming_joined_on=None)

    with pytest.raises(RuleViolation) as refused:
        services.accept_transfer(letter, by=secretary_a)

    assert refused.value.rule == "transfer_incomplete"
    assert not PartyMember.objects.filter(person=letter.incoming_person).exists()
    assert Transfer.objects.get(pk=letter.pk).state == TransferState.INITIATED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "110105198001011230"}, "id_number"),  # wrong check digit
        ({"id_number": "12345"}, "id_number"),
        ({"status": "probationary"}, "regularized_on"),  # a probationary member has no 转正 date
        ({"regularized_on": datetime.date(2004, 1, 1)}, "regularized_on"),  # before joining
        ({"joined_on": None}, "joined_on"),
        ({"external_org_name": ""}, "external_org_name"),
    ],
)
def test_registration_refuses_invalid_letters(world, secretary_a, overrides, field):
    with pytest.raises(RuleViolation) as refused:
        services.register_incoming_letter(**incoming_fields(world, **overrides), by=secretary_a)

    assert refused.value.field == field
    assert not Transfer.objects.exists()


def test_registration_reuses_the_person_with_that_id_number_and_refuses_an_active_member(world, secretary_a):
    known = PersonFactory(name="周敏")
    known.id_number = ID_NUMBER
    known.save()
    Resident.objects.create(person=known, area=world.grid_a1)  # in secretary_a's scope

    letter = services.register_incoming_letter(**incoming_fields(world), by=secretary_a)

    assert letter.incoming_person_id == known.pk
    assert Person.objects.with_id_number(ID_NUMBER).count() == 1
    with pytest.raises(RuleViolation) as refused:
        services.register_incoming_letter(**incoming_fields(world), by=secretary_a)
    assert refused.value.rule == "transfer_one_open"

    member = member_in(world.branch_a1, "吴刚")
    member.person.id_number = OTHER_ID_NUMBER
    member.person.save()
    with pytest.raises(RuleViolation) as refused:
        services.register_incoming_letter(
            **incoming_fields(world, id_number=OTHER_ID_NUMBER, name="吴刚"), by=secretary_a
        )
    assert refused.value.rule == "transfer_already_member"


def test_only_the_receiving_branch_side_registers(world, secretary_b):
    with pytest.raises(PermissionDenied):
        services.register_incoming_letter(**incoming_fields(world), by=secretary_b)


def test_accepting_an_incoming_letter_creates_the_membership(world, secretary_a):
    letter = services.register_incoming_letter(
        **incoming_fields(world, status="probationary", regularized_on=None), by=secretary_a
    )
    before = PartyMember.objects.filter(org=world.branch_a1, is_active=True).count()

    accepted = services.accept_transfer(letter, by=secretary_a, note="欢迎")

    member = PartyMember.objects.get(person=letter.incoming_person)
    assert accepted.state == TransferState.ACCEPTED
    assert accepted.member == member
    assert (member.org, member.status, member.joined_on, member.regularized_on) == (
        world.branch_a1,
        MemberStatus.PROBATIONARY,
        datetime.date(2005, 7, 1),
        None,
    )
    assert PartyMember.objects.filter(org=world.branch_a1, is_active=True).count() == before + 1
    assert AuditEntry.objects.filter(object_type="members.partymember", object_id=str(member.pk)).exists()
    with pytest.raises(RuleViolation) as refused:
        services.accept_transfer(letter, by=secretary_a)
    assert refused.value.rule == "transfer_not_open"


def test_a_member_who_left_and_comes_back_gets_the_membership_back(world, district_admin):
    # 社区B's former member is outside 社区A's scope (person_matching): the district, whose
    # scope holds both sides, registers the letter to 社区A's branch.
    leaver = member_in(world.branch_b1, "周敏")
    leaver.person.id_number = ID_NUMBER
    leaver.person.save()
    PartyMember.objects.filter(pk=leaver.pk).update(is_active=False)

    letter = services.register_incoming_letter(**incoming_fields(world), by=district_admin)
    services.accept_transfer(letter, by=district_admin)

    leaver.refresh_from_db()
    assert leaver.is_active and leaver.org == world.branch_a1
    assert leaver.version == 2
    assert PartyMember.objects.filter(person=leaver.person).count() == 1


def test_returning_an_incoming_letter_records_the_reason_and_adds_nobody(world, secretary_a):
    letter = services.register_incoming_letter(**incoming_fields(world), by=secretary_a)

    returned = services.return_transfer(letter, by=secretary_a, reason="介绍信已超过有效期")

    assert returned.state == TransferState.RETURNED
    assert returned.decision_note == "介绍信已超过有效期"
    assert not PartyMember.objects.filter(person=letter.incoming_person).exists()


# --- The printable letter --------------------------------------------------------------------------


def _member_with_id(world) -> PartyMember:
    member = member_in(world.branch_a1, "周敏")
    person = member.person
    person.id_number = ID_NUMBER
    person.gender = "female"
    person.birth_date = datetime.date(1980, 1, 1)
    person.save()
    return member


def test_the_letter_pdf_is_a_pdf_with_embedded_chinese_fonts_and_is_audited(client, world, secretary_a):
    letter = services.initiate_transfer(_member_with_id(world), to_org=world.branch_b1, by=secretary_a)
    client.force_login(secretary_a)

    response = client.get(reverse("members:transfer_letter_pdf", kwargs={"pk": letter.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    objects = _pdf_objects(response.content)
    assert b"Noto-Serif-CJK-SC" in objects or b"Noto-Sans-CJK-SC" in objects
    assert b"/FontFile" in objects  # the font is embedded, not only named
    assert AuditEntry.objects.filter(
        object_type="members.transfer", object_id=str(letter.pk), action="export"
    ).exists()
    assert not AuditEntry.objects.filter(action="reveal").exists()


def _pdf_objects(content: bytes) -> bytes:
    """The PDF with its compressed object streams inflated (WeasyPrint compresses font objects)."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _capture_letter(monkeypatch) -> list[str]:
    """Replace the PDF rendering by the HTML it would render (the text is checked there)."""
    pages: list[str] = []

    def fake_pdf_response(template, context, *, filename, request=None):
        pages.append(render_to_string(template, context))
        return HttpResponse(b"%PDF-fake", content_type="application/pdf")

    monkeypatch.setattr("dangjian.members.views.pdf_response", fake_pdf_response)
    return pages


def test_the_letter_reads_as_the_standard_letter_with_the_id_number_masked(
    client, world, secretary_a, monkeypatch
):
    letter = services.initiate_transfer(_member_with_id(world), to_org=world.branch_b1, by=secretary_a)
    pages = _capture_letter(monkeypatch)
    client.force_login(secretary_a)

    client.get(reverse("members:transfer_letter_pdf", kwargs={"pk": letter.pk}))

    html = pages[0]
    assert "中国共产党党员组织关系介绍信（存根）" in html and "（回执）" in html
    age = timezone.localdate().year - 1980 - 0
    assert f"周敏同志（女，{age}岁，汉族），系中共正式党员" in html
    assert f"由 {world.branch_a1.name} 去 {world.branch_b1.name}，请转接组织关系" in html
    assert "（有效期 90 天）" in html
    assert "110***********1238" in html and ID_NUMBER not in html


def test_the_full_id_number_is_printed_only_on_request_and_the_reveal_is_audited(
    client, world, secretary_a, grid_worker_a, monkeypatch
):
    letter = services.initiate_transfer(_member_with_id(world), to_org=world.branch_b1, by=secretary_a)
    pages = _capture_letter(monkeypatch)
    client.force_login(secretary_a)

    client.get(reverse("members:transfer_letter_pdf", kwargs={"pk": letter.pk}), {"full_id": "1"})

    assert ID_NUMBER in pages[0]
    assert AuditEntry.objects.filter(action="reveal", object_type="core.person").count() == 1


def test_the_full_id_number_needs_the_password_confirmed_within_the_window(
    client, world, secretary_a, monkeypatch
):
    letter = services.initiate_transfer(_member_with_id(world), to_org=world.branch_b1, by=secretary_a)
    pages = _capture_letter(monkeypatch)
    client.force_login(secretary_a)
    as_if_authenticated_minutes_ago(client, 16)

    response = client.get(reverse("members:transfer_letter_pdf", kwargs={"pk": letter.pk}), {"full_id": "1"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauth"))
    assert pages == []
    assert not AuditEntry.objects.filter(action="reveal").exists()


def _pay(member: PartyMember, month: datetime.date) -> None:
    DuesPayment.objects.create(
        member=member,
        org=member.org,
        month=month,
        amount_due=Decimal("20.00"),
        amount_paid=Decimal("20.00"),
        paid_on=month,
        method=PaymentMethod.WECHAT,
    )


def test_the_letter_states_the_last_month_of_dues_paid(client, world, secretary_a, monkeypatch):
    member = _member_with_id(world)
    _pay(member, datetime.date(2026, 9, 1))
    _pay(member, datetime.date(2026, 10, 1))
    _pay(member, datetime.date(2024, 3, 1))  # 补交 of an old month does not move the line
    letter = services.initiate_transfer(member, to_org=world.branch_b1, by=secretary_a)
    pages = _capture_letter(monkeypatch)
    client.force_login(secretary_a)

    client.get(reverse("members:transfer_letter_pdf", kwargs={"pk": letter.pk}))

    assert "该同志党费已交到2026年10月。" in pages[0]


def test_the_dues_line_is_left_blank_when_nothing_is_known(client, world, secretary_a, monkeypatch):
    member = _member_with_id(world)
    letter = services.initiate_transfer(member, to_org=world.branch_b1, by=secretary_a)
    pages = _capture_letter(monkeypatch)
    client.force_login(secretary_a)

    client.get(reverse("members:transfer_letter_pdf", kwargs={"pk": letter.pk}))  # no payment yet
    _pay(member, datetime.date(2026, 10, 1))
    monkeypatch.delitem(registry["letter_providers"], "dues_paid_through")  # no dues app
    client.get(reverse("members:transfer_letter_pdf", kwargs={"pk": letter.pk}))

    blank = '该同志党费已交到 <span class="fill"></span> 年 <span class="fill"></span> 月。'
    assert blank in pages[0] and blank in pages[1]


def test_the_dues_app_registers_its_provider_with_the_letter(world):
    member = _member_with_id(world)
    assert dues_paid_through(member) is None
    _pay(member, datetime.date(2026, 10, 1))
    assert dues_paid_through(member) == datetime.date(2026, 10, 1)

    waived = DuesPayment.objects.get(member=member)
    waived.pk, waived.month, waived.amount_due, waived.amount_paid = None, datetime.date(2026, 11, 1), 0, 0
    waived.save()  # a 免交 month is settled too
    assert dues_paid_through(member) == datetime.date(2026, 11, 1)


def test_an_outgoing_letter_is_addressed_to_the_outside_organization(client, world, secretary_a, monkeypatch):
    letter = services.issue_outgoing_letter(
        _member_with_id(world), external_org_name="中共上海市某区委组织部", by=secretary_a
    )
    pages = _capture_letter(monkeypatch)
    client.force_login(secretary_a)

    client.get(reverse("members:transfer_letter_pdf", kwargs={"pk": letter.pk}))

    assert "去 中共上海市某区委组织部，请转接组织关系" in pages[0]


# --- History, pages and API -----------------------------------------------------------------------


def test_the_member_history_lists_letters_of_both_directions(world, secretary_a):
    member = member_in(world.branch_a1)
    first = open_transfer(member, world.branch_b1)
    Transfer.objects.filter(pk=first.pk).update(state=TransferState.RETURNED)
    second = open_outgoing(member)

    sections = {entry.key: section for entry, section in history_sections(member, secretary_a)}

    letters = sections["transfers"].context["transfers"]
    assert [letter.pk for letter in letters] == [second.pk, first.pk]
    assert "中共外省某委员会" in render_to_string(
        sections["transfers"].template, sections["transfers"].context
    )


def test_secretary_issues_an_outgoing_letter_on_the_page(client, world, secretary_a):
    member = member_in(world.branch_a1)
    client.force_login(secretary_a)

    response = client.post(
        reverse("members:transfer_outgoing_create", kwargs={"member_pk": member.pk}),
        {"external_org_name": "中共某省某委员会", "reason": "调动"},
    )

    letter = Transfer.objects.get(member=member)
    assert response.status_code == 302
    assert letter.direction == TransferDirection.OUTGOING
    page = client.get(reverse("members:transfer_detail", kwargs={"pk": letter.pk})).content.decode()
    assert "中共某省某委员会" in page and "登记回执" in page


def test_secretary_registers_an_incoming_letter_on_the_page(client, world, secretary_a):
    client.force_login(secretary_a)
    url = reverse("members:transfer_incoming_create")
    data = {
        key: (value.isoformat() if isinstance(value, datetime.date) else value)
        for key, value in incoming_fields(world).items()
    }
    data["to_org"] = world.branch_a1.pk

    bad = client.post(url, {**data, "id_number": "110105198001011230"})
    assert bad.status_code == 200
    assert "身份证号校验位不正确" in bad.content.decode()

    response = client.post(url, data)

    letter = Transfer.objects.get(direction=TransferDirection.INCOMING)
    assert response.status_code == 302
    page = client.get(reverse("members:transfer_detail", kwargs={"pk": letter.pk})).content.decode()
    assert "外组-2026-017" in page and "周敏" in page
    assert "正式党员" in page and "2005年7月1日" in page and "2006年7月1日" in page
    assert ID_NUMBER not in page


def test_api_issues_registers_and_records_receipts(client, world, secretary_a):
    client.force_login(secretary_a)
    member = member_in(world.branch_a1)

    issued = client.post(
        reverse("api:transfer_outgoing_create"),
        {"member_id": member.pk, "external_org_name": "中共某省某委员会"},
        content_type="application/json",
    )
    assert issued.status_code == 201, issued.content
    assert issued.json()["to_org_id"] is None
    assert issued.json()["to_org_name"] == "中共某省某委员会"

    receipt = client.post(
        reverse("api:transfer_receipt", kwargs={"id": issued.json()["id"]}),
        {},
        content_type="application/json",
    )
    assert receipt.status_code == 200
    assert not PartyMember.objects.get(pk=member.pk).is_active

    fields = incoming_fields(world)
    payload = {
        key: (value.isoformat() if isinstance(value, datetime.date) else value)
        for key, value in fields.items()
    }
    payload["to_org_id"] = payload.pop("to_org").pk
    registered = client.post(
        reverse("api:transfer_incoming_create"), payload, content_type="application/json"
    )
    assert registered.status_code == 201, registered.content
    assert registered.json()["member_name"] == "周敏"
    assert {key: registered.json()[key] for key in INCOMING_KEYS} == {
        "external_letter_number": "外组-2026-017",
        "incoming_status": "full",
        "incoming_joined_on": "2005-07-01",
        "incoming_regularized_on": "2006-07-01",
    }
    assert issued.json()["incoming_status"] is None  # other letters state nothing

    wrong = client.post(
        reverse("api:transfer_receipt", kwargs={"id": registered.json()["id"]}),
        {},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["rule"] == "transfer_direction"

    accepted = client.post(
        reverse("api:transfer_accept", kwargs={"id": registered.json()["id"]}),
        {},
        content_type="application/json",
    )
    assert accepted.status_code == 200
    assert accepted.json()["member_id"] is not None
