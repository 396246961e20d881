"""Importing and exporting the party-organization tree through Excel."""

from __future__ import annotations

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core import excel
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.orgs.choices import OrgField, OrgKind
from dangjian.orgs.imports import ORG_SPEC
from dangjian.orgs.models import Organization
from tests.core.test_excel import xlsx

# 编码 名称 类型 领域 上级编码 管辖区域编码 简称 成立日期 联系电话 地址
HEADER = [str(column.label) for column in ORG_SPEC.columns]


def org_file(*rows: list) -> bytes:
    return xlsx(HEADER, [list(row) + [None] * (len(HEADER) - len(row)) for row in rows])


def label(choice) -> str:
    return str(choice.label)


def test_good_file_imports_organizations_with_their_fields(world, district_admin):
    data = org_file(
        [
            "B0003",
            "幸福社区第二网格党支部",
            label(OrgKind.BRANCH),
            label(OrgField.URBAN_COMMUNITY),
            "C0001",
            "110105001001G02",
            "二网格支部",
            "2026年11月23日",
            "010-12345678",
            "幸福路2号",
        ],
        ["G0001", "第一党小组", label(OrgKind.GROUP), None, "B0003", None, None, datetime.date(2026, 11, 24)],
    )
    report = excel.commit(ORG_SPEC, data, by=district_admin, file_name="组织.xlsx")
    assert report.ok, report.errors
    assert report.created == 2
    branch = Organization.objects.get(code="B0003")
    assert Organization.objects.get_parent(branch) == world.org_a
    assert branch.jurisdiction == world.grid_a2
    assert (branch.short_name, branch.phone, branch.address) == ("二网格支部", "010-12345678", "幸福路2号")
    assert branch.established_on == datetime.date(2026, 11, 23)
    group = Organization.objects.get(code="G0001")
    assert Organization.objects.get_parent(group) == branch and group.field == OrgField.URBAN_COMMUNITY
    assert group.established_on == datetime.date(2026, 11, 24)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="orgs.organization").count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1


def test_org_hierarchy_rule_refuses_the_row_and_the_whole_file(world, district_admin):
    data = org_file(
        ["B0003", "幸福社区第二网格党支部", label(OrgKind.BRANCH), None, "C0001"],
        ["B0004", "支部下的支部", label(OrgKind.BRANCH), None, "B0001"],
    )
    report = excel.commit(ORG_SPEC, data, by=district_admin)
    assert [(error.row, error.message) for error in report.errors] == [(3, "党支部之下只能设党小组。")]
    assert not Organization.objects.filter(code__in=["B0003", "B0004"]).exists()


def test_jurisdiction_must_be_an_area_the_user_can_see(world, secretary_a):
    data = org_file(
        ["B0003", "幸福社区第二网格党支部", label(OrgKind.BRANCH), None, "C0001", "110105001002G01"]
    )
    report = excel.dry_run(ORG_SPEC, data, by=secretary_a)
    assert [(error.row, error.column) for error in report.errors] == [(2, "管辖区域编码")]
    assert "管辖区域编码“110105001002G01”不存在或不在您的管辖范围内" in report.errors[0].message


def test_secretary_b_row_under_org_a_is_a_row_error(world, secretary_b):
    data = org_file(
        ["B0005", "光明社区第二网格党支部", label(OrgKind.BRANCH), None, "C0002"],
        ["B0006", "幸福社区第三网格党支部", label(OrgKind.BRANCH), None, "C0001"],
    )
    report = excel.commit(ORG_SPEC, data, by=secretary_b)
    assert [error.row for error in report.errors] == [3]
    assert not Organization.objects.filter(code__in=["B0005", "B0006"]).exists()


def test_a_bad_date_is_reported_in_chinese(world, district_admin):
    data = org_file(["B0003", "支部", label(OrgKind.BRANCH), None, "C0001", None, None, "去年"])
    report = excel.dry_run(ORG_SPEC, data, by=district_admin)
    assert [(error.row, error.column) for error in report.errors] == [(2, "成立日期")]
    assert "请写成 2026-11-23 的形式" in report.errors[0].message


def test_edits_change_only_what_differs(world, district_admin):
    data = org_file(
        [
            "B0001",
            "幸福社区第一网格党支部",
            label(OrgKind.BRANCH),
            label(OrgField.URBAN_COMMUNITY),
            "C0001",
            "110105001001G01",
            None,
            None,
            "010-87654321",
        ]
    )
    report = excel.commit(ORG_SPEC, data, by=district_admin)
    assert report.ok and report.updated == 1
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert set(entry.changes) - {"version", "updated_at"} == {"phone"}


def test_export_reimports_with_zero_changes(world, district_admin, client):
    Organization.objects.filter(pk=world.org_a.pk).update(
        established_on=datetime.date(2001, 7, 1), short_name="幸福党委", phone="010-1"
    )
    client.force_login(district_admin)
    response = client.get(reverse("orgs:org_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]][:4] == ["编码*", "名称*", "类型*", "领域"]
    report = excel.commit(ORG_SPEC, response.content, by=district_admin)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, Organization.objects.count())
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert export.changes["rows"] == Organization.objects.count()


def test_secretary_export_is_their_subtree_and_reimports_unchanged(world, secretary_a, client):
    client.force_login(secretary_a)
    response = client.get(reverse("orgs:org_export"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["C0001", "B0001"]
    report = excel.commit(ORG_SPEC, response.content, by=secretary_a)
    assert report.ok, report.errors
    assert report.unchanged == 2


def test_export_follows_the_filters(world, district_admin, client):
    client.force_login(district_admin)
    response = client.get(reverse("orgs:org_export"), {"kind": OrgKind.BRANCH})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["B0001", "B0002"]
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).changes["filters"] == {"kind": "branch"}


def test_org_import_page_and_template_need_the_add_permission(world, secretary_a, grid_worker_a, client):
    client.force_login(grid_worker_a)
    assert client.get(reverse("orgs:org_import")).status_code == 403
    client.force_login(secretary_a)
    assert client.get(reverse("orgs:org_import")).status_code == 200
    template = client.get(reverse("orgs:org_import_template"))
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert len(sheet.data_validations.dataValidation) == 2  # 类型 and 领域
