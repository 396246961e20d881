"""The 党员信息采集表 in Excel: all-or-nothing bulk import with row errors, duplicates, and the
audited, masked export."""

from __future__ import annotations

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core import excel
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry, Person
from dangjian.core.search import search_queryset
from dangjian.members.imports import MEMBER_SPEC
from dangjian.members.models import PartyMember, Resident
from tests.members.ledger_data import HEADER, id_number, make_member, nth_id_number, sheet_row, workbook_bytes


def test_the_headers_are_those_of_the_collection_form():
    labels = [str(column.label) for column in MEMBER_SPEC.columns]
    assert labels[: len(HEADER)] == HEADER
    # Then 留党察看 or suspended rights (optional; tested in test_restrictions.py).
    assert [column.key for column in MEMBER_SPEC.columns[len(HEADER) :]] == [
        "restriction_kind",
        "restriction_starts_on",
        "restriction_ends_on",
        "restriction_decision_number",
        "restriction_decision_organ",
    ]


def test_five_thousand_rows_with_three_bad_ones_import_nothing_then_the_corrected_sheet_imports(
    world, district_admin
):
    rows = [sheet_row(n, "B0001" if n % 2 else "B0002") for n in range(5000)]
    good = [list(row) for row in rows]
    rows[10][HEADER.index("转正日期")] = rows[10][HEADER.index("入党日期")]  # 转正 on the joining day
    rows[2500][HEADER.index("身份证号")] = nth_id_number(2500)[:17] + (
        "1" if nth_id_number(2500)[-1] != "1" else "2"
    )  # wrong check digit
    rows[4999][HEADER.index("所在党组织")] = "X9999"  # no such organization

    report = excel.commit(MEMBER_SPEC, workbook_bytes(rows), by=district_admin, file_name="采集表.xlsx")

    assert not report.committed and report.created == 0
    assert [error.row for error in report.errors] == [12, 2502, 5001]  # Excel rows: header is row 1
    assert "预备期一年" in report.errors[0].message and report.errors[0].column == "转正日期"
    assert report.errors[1].column == "身份证号"
    assert "X9999" in report.errors[2].message
    assert not PartyMember.objects.exists() and not Person.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()

    dry = excel.dry_run(MEMBER_SPEC, workbook_bytes(good), by=district_admin, file_name="采集表.xlsx")
    assert dry.ok and dry.created == 5000 and not PartyMember.objects.exists()

    report = excel.commit(MEMBER_SPEC, workbook_bytes(good), by=district_admin, file_name="采集表.xlsx")

    assert report.committed and report.created == 5000, report.errors[:3]
    assert PartyMember.objects.filter(org=world.branch_a1).count() == 2500
    entries = AuditEntry.objects.filter(action=AuditAction.IMPORT)
    assert entries.count() == 1
    assert entries.get().changes["file"] == "采集表.xlsx" and entries.get().changes["created"] == 5000
    # Filed under the common ancestor of B0001 and B0002, so the street's staff see it too.
    assert entries.get().org_path == world.street_org.path
    member = PartyMember.objects.select_related("person").get(
        person__id_number_hash=Person.objects.with_id_number(nth_id_number(7)).get().id_number_hash
    )
    person = member.person
    assert person.name == "党员7" and person.id_number.clear() == nth_id_number(7)
    assert person.mobile_masked == "139****0007" and person.name_pinyin == "dang yuan 7"
    assert member.party_standing_years() is not None
    assert list(search_queryset(Person.objects.all(), "党员7")) and Person.objects.search("dy").exists()


def test_duplicates_within_the_sheet_and_against_the_ledger_are_named(world, secretary_a):
    make_member(world.branch_a1, "张伟", number=1, birth=datetime.date(1950, 1, 1))
    rows = [
        sheet_row(5),
        sheet_row(5, **{"姓名": "重复"}),
        sheet_row(6, **{"身份证号": id_number(1, datetime.date(1950, 1, 1))}),
    ]

    report = excel.commit(MEMBER_SPEC, workbook_bytes(rows), by=secretary_a, file_name="a.xlsx")

    assert [(error.row, error.column) for error in report.errors] == [(3, "身份证号"), (4, "身份证号")]
    assert "第 2 行" in report.errors[0].message
    assert "一人一条党员记录" in report.errors[1].message
    assert PartyMember.objects.count() == 1


def test_an_organization_outside_the_scope_is_refused(world, secretary_a):
    report = excel.dry_run(MEMBER_SPEC, workbook_bytes([sheet_row(1, "B0002")]), by=secretary_a)
    assert [error.column for error in report.errors] == ["所在党组织"]
    assert "管辖范围" in report.errors[0].message


def test_organization_by_name_probationary_and_mobile_rules(world, secretary_a):
    rows = [
        sheet_row(1, "幸福社区第一网格党支部"),
        sheet_row(2, **{"党员状态": "预备党员"}),  # a 转正 date for a 预备党员
        sheet_row(3, **{"人员类别": "流动党员（流出）"}),  # no 流出地
        sheet_row(4, **{"人员类别": "流动党员（流出）", "流出地": "深圳市", "失联": "是"}),
    ]
    report = excel.commit(MEMBER_SPEC, workbook_bytes(rows), by=secretary_a)
    assert [error.row for error in report.errors] == [3, 4]
    rows[1][HEADER.index("转正日期")] = None
    rows[2][HEADER.index("流出地")] = "苏州市"

    report = excel.commit(MEMBER_SPEC, workbook_bytes(rows), by=secretary_a)

    assert report.committed and report.created == 4
    assert PartyMember.objects.get(person__name="党员4").is_lost_contact
    assert PartyMember.objects.get(person__name="党员2").regularized_on is None


def test_import_pages_run_the_dry_run_then_commit(client, world, secretary_a):
    client.force_login(secretary_a)
    upload = io.BytesIO(workbook_bytes([sheet_row(1)]))
    upload.name = "采集表.xlsx"

    response = client.post(reverse("members:member_import"), {"file": upload})

    assert response.status_code == 200
    token = response.context["token"]
    assert token and not PartyMember.objects.exists()
    response = client.post(reverse("members:member_import"), {"token": token})
    assert response.context["report"].committed and PartyMember.objects.count() == 1
    assert client.get(reverse("members:member_import_template")).status_code == 200


def _export(client, **params):
    response = client.get(reverse("members:member_export"), params)
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_export_is_filtered_audited_and_masked_without_the_reveal_permission(
    client, world, secretary_a, grid_worker_a
):
    from dangjian.accounts.choices import BuiltinRole
    from tests.factories import UserFactory, assign

    make_member(world.branch_a1, "张伟", number=1)
    make_member(world.branch_a1, "李娜", number=2, category="retired")
    make_member(world.branch_b1, "王芳", number=3)
    client.force_login(secretary_a)

    rows = _export(client, category="retired")

    assert [row[0] for row in rows] == ["李娜"]
    assert rows[0][HEADER.index("身份证号")] == id_number(2)  # the secretary may reveal
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["rows"] == 1 and entry.changes["filters"] == {"category": "retired"}
    assert entry.changes["clear_personal_data_rows"] == 1  # clear values leaving are recorded

    staff = UserFactory(username="staff_a")
    assign(staff, BuiltinRole.ORG_STAFF, world.org_a)
    client.force_login(staff)
    rows = _export(client)
    assert sorted(row[0] for row in rows) == ["张伟", "李娜"]
    ids = [row[HEADER.index("身份证号")] for row in rows]
    assert all("*" in value for value in ids) and id_number(1) not in ids
    assert all("*" in row[HEADER.index("手机号")] for row in rows)
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 2
    assert (
        AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("pk").changes["clear_personal_data_rows"]
        == 0
    )


def test_the_import_audit_line_is_filed_under_the_common_ancestor_and_seen_by_the_staff(world, secretary_a):
    from tests.factories import add_org

    branch_a2 = add_org(world.org_a, "幸福社区第二网格党支部", "B0003", "branch")
    only_branch = excel.commit(MEMBER_SPEC, workbook_bytes([sheet_row(1, "B0001")]), by=secretary_a)
    both = excel.commit(
        MEMBER_SPEC, workbook_bytes([sheet_row(2, "B0001"), sheet_row(3, "B0003")]), by=secretary_a
    )

    assert only_branch.committed and both.committed
    entries = AuditEntry.objects.filter(action=AuditAction.IMPORT).order_by("pk")
    assert [entry.org_path for entry in entries] == [world.branch_a1.path, world.org_a.path]
    assert branch_a2.path.startswith(world.org_a.path)
    from dangjian.accounts.choices import BuiltinRole
    from tests.factories import UserFactory, assign

    staff_a, staff_b = UserFactory(username="staff_a"), UserFactory(username="staff_b")
    assign(staff_a, BuiltinRole.ORG_DEPARTMENT_ADMIN, world.org_a)
    assign(staff_b, BuiltinRole.ORG_DEPARTMENT_ADMIN, world.org_b)
    imports = AuditEntry.objects.filter(action=AuditAction.IMPORT)
    assert set(AuditEntry.objects.visible_to(staff_a).filter(action=AuditAction.IMPORT)) == set(imports)
    assert not AuditEntry.objects.visible_to(staff_b).filter(action=AuditAction.IMPORT).exists()


def test_a_registered_person_who_is_not_a_member_is_linked_with_a_note_and_kept_as_registered(
    world, secretary_a
):
    resident = Person(name="王秀英", birth_date=datetime.date(1950, 1, 1), gender="female", education="")
    resident.id_number = nth_id_number(1)
    resident.mobile = "13700000001"
    resident.save()
    Resident.objects.create(person=resident, area=world.grid_a1)  # in secretary_a's scope
    rows = [sheet_row(1, **{"姓名": "王秀兰", "手机号": "13900000009"}), sheet_row(2)]

    dry = excel.dry_run(MEMBER_SPEC, workbook_bytes(rows), by=secretary_a)

    assert dry.ok and dry.created == 2
    assert [(note.row, note.column) for note in dry.notes] == [(2, "身份证号")]
    assert "已登记" in dry.notes[0].message and "王秀英" in dry.notes[0].message
    assert "王秀兰" in dry.notes[0].message  # the name in the row differs

    report = excel.commit(MEMBER_SPEC, workbook_bytes(rows), by=secretary_a)

    assert report.committed and Person.objects.count() == 2
    resident.refresh_from_db()
    assert resident.name == "王秀英" and resident.mobile_masked == "137****0001"
    assert PartyMember.objects.get(person=resident).org == world.branch_a1


def test_the_dry_run_page_shows_the_row_notes(client, world, secretary_a):
    resident = Person(name="王秀英", birth_date=datetime.date(1950, 1, 1), gender="female", education="")
    resident.id_number = nth_id_number(1)
    resident.save()
    Resident.objects.create(person=resident, area=world.grid_a1)
    client.force_login(secretary_a)
    upload = io.BytesIO(workbook_bytes([sheet_row(1, **{"姓名": "王秀英"})]))
    upload.name = "采集表.xlsx"

    response = client.post(reverse("members:member_import"), {"file": upload})

    page = response.content.decode()
    assert response.status_code == 200 and "王秀英" in page and "已登记" in page
