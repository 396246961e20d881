"""One person across scopes: an ID number typed by a secretary never hands her a person of another
community (issue 9, point 4).

A person outside the caller's scope is refused with one neutral message that names nobody, on
every path that finds people by ID number (the ledger page, API and Excel import, the incoming
transfer API and page, a ledger edit of the ID number); nothing about that person changes and
the caller still cannot open their page or reveal their phone. A person inside the scope is
shown for confirmation before a membership is attached to them, and their registered details
are kept. Overwriting a shared person's details through a ledger edit is audited on the person.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext

from dangjian.core import excel
from dangjian.core.models import AuditEntry, Person
from dangjian.members.imports import MEMBER_SPEC
from dangjian.members.models import GridWorker, PartyMember, Resident, Transfer
from tests.members.ledger_data import id_number, make_member, sheet_row, workbook_bytes
from tests.members.transfers import incoming_fields

# The msgid of the neutral answer (zh-Hans: 该身份证号已登记，请联系上级组织核实); compared through
# gettext so the tests read the same before and after the catalogs are updated.
REGISTERED = "This ID number is already registered; contact the higher-level party organization to verify it."
LEDGER = reverse("api:ledger_member_list")
CREATE = reverse("members:member_create")
INCOMING_API = reverse("api:transfer_incoming_create")
INCOMING_PAGE = reverse("members:transfer_incoming_create")
BIRTH = datetime.date(1960, 3, 8)
# Every name of 社区B's trees contains this, so its absence says no place of theirs was named.
COMMUNITY_B = "光明社区"


def _neutral() -> str:
    with translation.override("zh-hans"):
        return gettext(REGISTERED)


def _person_url(action: str, **kwargs) -> str:
    """The person pages move from ``core`` to ``members`` in this issue; either name serves."""
    for namespace in ("members", "core"):
        try:
            return reverse(f"{namespace}:person_{action}", kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(f"person_{action}")


def _person(name: str, number: int) -> Person:
    person = Person(name=name, birth_date=BIRTH, gender="female", education="junior_college")
    person.id_number = id_number(number, BIRTH)
    person.mobile = f"137{number:08d}"
    person.save()
    return person


def _elsewhere(world, kind: str) -> Person:
    """Someone of 社区B only: a resident, a party member or a grid worker there."""
    if kind == "resident":
        person = _person("王秀英", 1)
        Resident.objects.create(person=person, area=world.grid_b1, household="3-2-201")
    elif kind == "member":
        person = make_member(
            world.branch_b1, "王秀英", number=1, birth=BIRTH, education="junior_college"
        ).person
        person.mobile = f"137{1:08d}"
        person.save()
    else:
        person = _person("王秀英", 1)
        GridWorker.objects.create(person=person, area=world.grid_b1, kind="full_time")
    return person


def _row(person: Person, name: str) -> list:
    """A sheet row with this person's ID number and dates that fit their birth date."""
    return sheet_row(
        7,
        **{
            "姓名": name,
            "身份证号": person.id_number.clear(),
            "出生日期": BIRTH,
            "入党日期": datetime.date(1990, 7, 1),
            "转正日期": datetime.date(1991, 7, 1),
        },
    )


def _in_a(world) -> Person:
    """A resident of 社区A who is not a party member."""
    person = _person("刘桂兰", 2)
    Resident.objects.create(person=person, area=world.building_a1, household="1-1-101")
    return person


def _entry(person: Person, **overrides) -> dict:
    values = {
        "name": "冒名",
        "id_number": person.id_number.clear(),
        "gender": "",
        "ethnicity": "汉族",
        "birth_date": "",
        "education": "",
        "mobile": "13900000000",
        "status": "full",
        "category": "employed",
        "joined_on": "2005-06-01",
        "regularized_on": "2006-06-01",
        "workplace": "",
        "job_title": "",
        "flow_out_destination": "",
        "note": "",
    }
    values.update(overrides)
    return values


def _assert_untouched(person: Person, members_before: int) -> None:
    """The person's data, memberships and audit trail are as they were."""
    registered = Person.objects.get(pk=person.pk)
    assert registered.name == "王秀英" and registered.mobile_masked == "137****0001"
    assert registered.education == "junior_college" and registered.birth_date == BIRTH
    assert PartyMember.objects.filter(person=person).count() == members_before
    assert not AuditEntry.objects.filter(object_type="core.person", object_id=str(person.pk)).exists()


def _assert_still_hidden(client, person: Person) -> None:
    assert client.get(_person_url("detail", pk=person.pk)).status_code == 404
    revealed = client.post(_person_url("reveal", pk=person.pk, field="mobile"))
    assert revealed.status_code == 404 and "13700000001" not in revealed.content.decode()
    assert not AuditEntry.objects.filter(action="reveal").exists()


def _assert_names_nobody(text: str) -> None:
    assert "王秀英" not in text and COMMUNITY_B not in text
    assert "137****0001" not in text


KINDS = ["resident", "member", "worker"]


# --- Out of scope: refused, nothing changes, nothing is told --------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_page_create_with_the_id_number_of_someone_in_another_community_is_refused_neutrally(
    client, world, secretary_a, kind
):
    person = _elsewhere(world, kind)
    members_before = PartyMember.objects.filter(person=person).count()
    client.force_login(secretary_a)

    response = client.post(CREATE, {**_entry(person), "org": world.branch_a1.pk})

    page = response.content.decode()
    assert response.status_code == 400
    assert _neutral() in page
    _assert_names_nobody(page)
    _assert_untouched(person, members_before)
    assert not PartyMember.objects.filter(org=world.branch_a1).exists()
    _assert_still_hidden(client, person)


@pytest.mark.parametrize("kind", KINDS)
def test_api_create_with_the_id_number_of_someone_in_another_community_is_refused_neutrally(
    client, world, secretary_a, kind
):
    person = _elsewhere(world, kind)
    members_before = PartyMember.objects.filter(person=person).count()
    client.force_login(secretary_a)
    body = {key: value for key, value in _entry(person).items() if value != ""}

    for confirmation in ({}, {"confirm_existing_person": True}):
        response = client.post(
            LEDGER, {**body, "org_id": world.branch_a1.pk, **confirmation}, content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json() == {"detail": _neutral(), "rule": "id_number_registered", "field": "id_number"}
    _assert_untouched(person, members_before)
    _assert_still_hidden(client, person)


@pytest.mark.parametrize("kind", KINDS)
def test_excel_import_refuses_the_row_neutrally_in_the_dry_run_and_the_commit(
    client, world, secretary_a, kind
):
    person = _elsewhere(world, kind)
    members_before = PartyMember.objects.filter(person=person).count()
    rows = [_row(person, "冒名"), sheet_row(8)]

    dry = excel.dry_run(MEMBER_SPEC, workbook_bytes(rows), by=secretary_a)
    report = excel.commit(MEMBER_SPEC, workbook_bytes(rows), by=secretary_a)

    for result in (dry, report):
        assert [(error.row, error.column, error.message) for error in result.errors] == [
            (2, "身份证号", _neutral())
        ]
        assert not result.notes
        _assert_names_nobody(" ".join(str(message.message) for message in [*result.errors, *result.notes]))
    assert not report.committed
    _assert_untouched(person, members_before)

    client.force_login(secretary_a)
    upload = workbook_bytes(rows)
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(reverse("members:member_import"), {"file": SimpleUploadedFile("采集表.xlsx", upload)})
    assert _neutral() in page.content.decode()
    _assert_names_nobody(page.content.decode())
    _assert_still_hidden(client, person)


@pytest.mark.parametrize("kind", ["resident", "member"])
def test_incoming_transfer_api_does_not_name_the_person_behind_an_id_number(client, world, secretary_a, kind):
    person = _elsewhere(world, kind)
    members_before = PartyMember.objects.filter(person=person).count()
    client.force_login(secretary_a)
    fields = incoming_fields(world, id_number=person.id_number.clear(), name="冒名", birth_date=BIRTH)
    body = {
        **{key: value for key, value in fields.items() if key != "to_org"},
        "to_org_id": world.branch_a1.pk,
    }

    response = client.post(INCOMING_API, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": _neutral(), "rule": "id_number_registered", "field": "id_number"}
    _assert_names_nobody(response.content.decode())
    assert not Transfer.objects.exists()
    _assert_untouched(person, members_before)
    _assert_still_hidden(client, person)


@pytest.mark.parametrize("kind", ["resident", "member"])
def test_incoming_transfer_page_does_not_name_the_person_behind_an_id_number(
    client, world, secretary_a, kind
):
    person = _elsewhere(world, kind)
    members_before = PartyMember.objects.filter(person=person).count()
    client.force_login(secretary_a)
    fields = incoming_fields(world, id_number=person.id_number.clear(), name="冒名", birth_date=BIRTH)
    data = {
        **{key: value for key, value in fields.items() if key != "to_org"},
        "to_org": world.branch_a1.pk,
        "reason": "",
    }

    response = client.post(INCOMING_PAGE, data)

    page = response.content.decode()
    assert response.status_code in (200, 400) and _neutral() in page
    _assert_names_nobody(page)
    assert not Transfer.objects.exists()
    _assert_untouched(person, members_before)
    _assert_still_hidden(client, person)


def test_ledger_edit_to_the_id_number_of_someone_elsewhere_is_refused_neutrally(client, world, secretary_a):
    mine = make_member(world.branch_a1, "张伟", number=5)
    resident, member = _elsewhere(world, "resident"), make_member(world.branch_b1, "吴刚", number=6).person
    client.force_login(secretary_a)
    url = reverse("api:ledger_member_update", kwargs={"id": mine.pk})
    answers = []

    for other in (resident, member):
        answers.append(
            client.patch(
                url, {"version": 1, "id_number": other.id_number.clear()}, content_type="application/json"
            )
        )
    page = client.post(
        reverse("members:member_edit", kwargs={"pk": mine.pk}),
        {**_entry(member, name="张伟", mobile=""), "version": 1},
    )

    for response in answers:
        assert response.status_code == 400
        assert response.json() == {"detail": _neutral(), "rule": "id_number_registered", "field": "id_number"}
    assert page.status_code == 400 and _neutral() in page.content.decode()
    assert "吴刚" not in page.content.decode() and COMMUNITY_B not in page.content.decode()
    _assert_untouched(resident, 0)
    mine.refresh_from_db()
    assert mine.version == 1 and mine.person.id_number.clear() == id_number(5)


def test_a_secretary_who_is_also_a_grid_worker_elsewhere_cannot_pull_a_resident_from_there(
    client, world, secretary_a
):
    # Her grid-worker role in 社区B lets her see its residents, not manage its ledger: the
    # resident is outside her scope for attaching (scoping by action).
    from dangjian.accounts.choices import BuiltinRole
    from tests.factories import assign

    assign(secretary_a, BuiltinRole.GRID_WORKER, world.grid_b1)
    person = _elsewhere(world, "resident")
    client.force_login(secretary_a)
    body = {key: value for key, value in _entry(person).items() if value != ""}

    response = client.post(
        LEDGER,
        {**body, "org_id": world.branch_a1.pk, "confirm_existing_person": True},
        content_type="application/json",
    )

    assert response.status_code == 400 and response.json()["rule"] == "id_number_registered"
    _assert_untouched(person, 0)
    assert client.post(_person_url("reveal", pk=person.pk, field="mobile")).status_code == 403


# --- In scope: confirm, then attach; overwrites audited -----------------------------------------


def test_page_create_shows_a_registered_person_in_scope_and_attaches_after_confirmation(
    client, world, secretary_a
):
    person = _in_a(world)
    client.force_login(secretary_a)
    data = {**_entry(person, name="刘桂蓝"), "org": world.branch_a1.pk}

    asked = client.post(CREATE, data)

    page = asked.content.decode()
    assert asked.status_code == 200
    assert "刘桂兰" in page and person.id_number_masked in page
    assert 'name="confirm_existing_person"' in page and 'type="checkbox"' in page
    assert not PartyMember.objects.exists()

    confirmed = client.post(CREATE, {**data, "confirm_existing_person": "on"})

    member = PartyMember.objects.get(person=person)
    assert confirmed.status_code == 302 and member.org == world.branch_a1
    person.refresh_from_db()
    assert person.name == "刘桂兰" and person.mobile_masked == "137****0002"  # registered details kept
    assert Person.objects.count() == 1


def test_api_create_answers_409_with_the_person_in_scope_until_confirmed(client, world, secretary_a):
    person = _in_a(world)
    client.force_login(secretary_a)
    body = {key: value for key, value in _entry(person).items() if value != ""} | {
        "org_id": world.branch_a1.pk
    }

    asked = client.post(LEDGER, body, content_type="application/json")

    assert asked.status_code == 409
    answer = asked.json()
    assert answer["rule"] == "existing_person" and answer["field"] == "id_number"
    assert answer["person"] == {
        "id": person.pk,
        "name": "刘桂兰",
        "id_number_masked": person.id_number_masked,
    }
    assert not PartyMember.objects.exists()

    created = client.post(LEDGER, {**body, "confirm_existing_person": True}, content_type="application/json")

    assert created.status_code == 201
    assert created.json()["person_id"] == person.pk and created.json()["name"] == "刘桂兰"
    assert PartyMember.objects.get(person=person).org == world.branch_a1


def test_excel_dry_run_says_the_row_attaches_the_registered_person_in_scope(world, secretary_a):
    person = _in_a(world)
    rows = [_row(person, "刘桂兰")]

    dry = excel.dry_run(MEMBER_SPEC, workbook_bytes(rows), by=secretary_a)

    assert dry.ok and [(note.row, note.column) for note in dry.notes] == [(2, "身份证号")]
    assert "刘桂兰" in dry.notes[0].message and person.id_number_masked in dry.notes[0].message
    report = excel.commit(MEMBER_SPEC, workbook_bytes(rows), by=secretary_a)
    assert report.committed and PartyMember.objects.get(person=person).org == world.branch_a1


def test_a_ledger_edit_of_a_shared_persons_details_is_audited_on_the_person_with_old_and_new_values(
    client, world, secretary_a
):
    member = make_member(world.branch_a1, "张伟", number=9, education="senior")
    Resident.objects.create(person=member.person, area=world.grid_b1, household="5-1-101")
    client.force_login(secretary_a)
    url = reverse("api:ledger_member_update", kwargs={"id": member.pk})

    response = client.patch(
        url,
        {"version": 1, "name": "张炜", "education": "bachelor", "mobile": "13911112222"},
        content_type="application/json",
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get(object_type="core.person", object_id=str(member.person_id))
    assert entry.action == "update" and entry.username == "secretary_a"
    assert entry.changes["name"] == ["张伟", "张炜"]
    assert entry.changes["education"] == ["senior", "bachelor"]
    assert entry.changes["mobile_masked"] == ["138****0009", "139****2222"]
    # Filed where the person lives too, so 社区B's staff see their resident's name changed.
    assert entry.area_path == world.grid_b1.path and entry.org_path == world.branch_a1.path
