"""Importing and exporting the area tree (区 → 街道 → 社区 → 网格 → 楼栋) through Excel."""

from __future__ import annotations

import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core import excel
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.imports import AREA_SPEC
from dangjian.orgs.models import Area
from tests.core.test_excel import xlsx

HEADER = [str(column.label) for column in AREA_SPEC.columns]  # 编码 名称 类型 上级编码 地址 备注


def kind(value: str) -> str:
    """The label a user picks from the drop-down (区/街道/社区/网格/楼栋 in zh-Hans)."""
    return str(AreaKind(value).label)


def area_file(*rows: list) -> bytes:
    return xlsx(HEADER, [list(row) + [None] * (len(HEADER) - len(row)) for row in rows])


def tree(root_code: str) -> dict[str, str]:
    """Each node under ``root_code`` by code, with its parent's code: the shape of the tree."""
    root = Area.objects.get(code=root_code)
    return {
        node.code: Area.objects.get_parent(node).code
        for node in Area.objects.all().in_subtree(root).exclude(pk=root.pk)
    }


def test_good_file_imports_every_row_parents_first(world, admin):
    data = area_file(
        # Children listed before their parents: the import orders rows by their parent codes.
        ["110105002001G01B01", "1号楼", kind("building"), "110105002001G01", "长安街1号"],
        ["110105002001G01", "和谐社区第一网格", kind("grid"), "110105002001"],
        ["110105002001", "和谐社区", kind("community"), "110105002"],
        ["110105002", "安定街道", kind("street"), "110105", None, "新设街道"],
        ["110105002002", "平安社区", kind("community"), "110105002"],
    )
    report = excel.commit(AREA_SPEC, data, by=admin, file_name="安定街道.xlsx")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (5, 0, 0)
    assert tree("110105002") == {
        "110105002001": "110105002",
        "110105002002": "110105002",
        "110105002001G01": "110105002001",
        "110105002001G01B01": "110105002001G01",
    }
    street = Area.objects.get(code="110105002")
    assert Area.objects.get_parent(street) == world.district and street.note == "新设街道"
    assert Area.objects.get(code="110105002001G01B01").address == "长安街1号"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="orgs.area").count() == 5
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.changes["created"] == 5 and entry.changes["file"] == "安定街道.xlsx"


def test_unknown_parent_imports_nothing_and_names_the_row(world, admin):
    data = area_file(
        ["110105002", "安定街道", kind("street"), "110105"],
        ["110105002001", "和谐社区", kind("community"), "110105999"],
    )
    report = excel.commit(AREA_SPEC, data, by=admin)
    assert not report.committed
    assert [(error.row, error.column) for error in report.errors] == [(3, "上级编码")]
    assert "上级编码“110105999”不存在" in report.errors[0].message
    assert not Area.objects.filter(code="110105002").exists()
    assert not AuditEntry.objects.exists()


def test_duplicate_code_in_the_file_is_an_error_on_the_later_row(world, admin):
    data = area_file(
        ["110105002", "安定街道", kind("street"), "110105"],
        ["110105003", "永定街道", kind("street"), "110105"],
        ["110105002", "安定街道（重复）", kind("street"), "110105"],
    )
    report = excel.commit(AREA_SPEC, data, by=admin)
    assert [(error.row, error.message) for error in report.errors] == [
        (4, "编码“110105002”与第 2 行重复，同一编码只能出现一次。")
    ]
    assert not Area.objects.filter(code__in=["110105002", "110105003"]).exists()


def test_wrong_kind_under_a_parent_is_refused_with_the_hierarchy_rule(world, admin):
    data = area_file(
        ["110105001001G03", "幸福社区第三网格", kind("grid"), "110105001001"],
        ["110105001G09", "街道直属网格", kind("grid"), "110105001"],
    )
    report = excel.commit(AREA_SPEC, data, by=admin)
    assert [(error.row, error.column) for error in report.errors] == [(3, "类型")]
    assert "的下级只能是" in report.errors[0].message
    assert not Area.objects.filter(code="110105001001G03").exists()


def test_children_of_a_refused_row_point_at_that_row(world, admin):
    data = area_file(
        ["110105002", "安定街道", kind("grid"), "110105"],
        ["110105002001", "和谐社区", kind("community"), "110105002"],
    )
    report = excel.dry_run(AREA_SPEC, data, by=admin)
    assert [error.row for error in report.errors] == [2, 3]
    assert report.errors[1].message == "上级编码“110105002”所在的第 2 行有错误，本行无法导入。"


def test_a_cycle_of_parent_codes_is_reported_on_its_rows(world, admin):
    data = area_file(
        ["X1", "甲", kind("street"), "X2"],
        ["X2", "乙", kind("street"), "X1"],
        ["110105002", "安定街道", kind("street"), "110105"],
    )
    report = excel.dry_run(AREA_SPEC, data, by=admin)
    assert [error.row for error in report.errors] == [2, 3]
    assert "循环" in report.errors[0].message and "X1 → X2 → X1" in report.errors[0].message


def test_dry_run_changes_nothing(world, admin):
    before = Area.objects.count()
    data = area_file(
        ["110105002", "安定街道", kind("street"), "110105"],
        ["110105001", "和平街道（新名）", kind("street"), "110105"],
    )
    report = excel.dry_run(AREA_SPEC, data, by=admin)
    assert report.ok and (report.created, report.updated) == (1, 1)
    assert Area.objects.count() == before
    assert Area.objects.get(code="110105001").name == "和平街道"
    assert not AuditEntry.objects.exists()


def test_codes_typed_as_numbers_work(world, admin):
    data = area_file(
        [110105002, "安定街道", kind("street"), 110105.0],
        [110105002001, "和谐社区", kind("community"), 110105002],
    )
    report = excel.commit(AREA_SPEC, data, by=admin)
    assert report.ok, report.errors
    assert tree("110105002") == {"110105002001": "110105002"}


def test_kinds_may_be_typed_as_codes_too(world, admin):
    report = excel.commit(AREA_SPEC, area_file(["110105002", "安定街道", "street", "110105"]), by=admin)
    assert report.ok and Area.objects.get(code="110105002").kind == AreaKind.STREET


def test_missing_required_column_is_reported(world, admin):
    data = xlsx(["编码", "名称", "上级编码"], [["110105002", "安定街道", "110105"]])
    report = excel.dry_run(AREA_SPEC, data, by=admin)
    assert report.file_error == "缺少必填列：类型。请使用下载的模板，保留这些列。"


def test_existing_rows_are_renamed_and_moved_through_the_services(world, admin):
    data = area_file(
        ["110105001001G02", "幸福社区二网格", kind("grid"), "110105001002"],
        ["110105001001G01", "幸福社区第一网格", kind("grid"), "110105001001"],
    )
    report = excel.commit(AREA_SPEC, data, by=admin)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    grid = Area.objects.get(code="110105001001G02")
    assert grid.name == "幸福社区二网格" and Area.objects.get_parent(grid) == world.community_b
    actions = set(AuditEntry.objects.filter(object_id=str(grid.pk)).values_list("action", flat=True))
    assert actions == {AuditAction.MOVE, AuditAction.UPDATE}


def test_export_reimports_with_zero_changes(world, admin, client):
    client.force_login(admin)
    response = client.get(reverse("orgs:area_export"))
    assert response.status_code == 200
    report = excel.commit(AREA_SPEC, response.content, by=admin)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, Area.objects.count())
    assert not AuditEntry.objects.filter(action__in=[AuditAction.UPDATE, AuditAction.MOVE]).exists()


def test_secretary_export_holds_their_subtree_and_reimports_unchanged(world, secretary_a, client):
    client.force_login(secretary_a)
    response = client.get(reverse("orgs:area_export"), {"kind": AreaKind.GRID})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["110105001001G01", "110105001001G02"]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["filters"] == {"kind": "grid"} and entry.changes["rows"] == 2
    assert entry.username == "secretary_a"
    assert "filename*=UTF-8''" in response["Content-Disposition"]

    full = client.get(reverse("orgs:area_export"))
    report = excel.commit(AREA_SPEC, full.content, by=secretary_a)
    assert report.ok, report.errors
    assert report.unchanged == 4  # 社区A, its two grids and 1号楼


def test_secretary_a_row_under_community_b_is_a_row_error_and_nothing_is_imported(world, secretary_a):
    data = area_file(
        ["110105001001G03", "幸福社区第三网格", kind("grid"), "110105001001"],
        ["110105001002G02", "光明社区第二网格", kind("grid"), "110105001002"],
    )
    report = excel.commit(AREA_SPEC, data, by=secretary_a)
    assert [error.row for error in report.errors] == [3]
    assert "不在您的管辖范围内" in report.errors[0].message
    assert not Area.objects.filter(code__in=["110105001001G03", "110105001002G02"]).exists()


def test_secretary_cannot_take_over_a_code_used_outside_their_scope(world, secretary_a):
    data = area_file(["110105001002G01", "改名", kind("grid"), "110105001001"])
    report = excel.dry_run(AREA_SPEC, data, by=secretary_a)
    assert "已被使用" in report.errors[0].message
    assert Area.objects.get(code="110105001002G01").name == "光明社区第一网格"


def test_only_a_global_admin_may_import_a_top_level_district(world, district_admin, admin):
    data = area_file(["110106", "新区", kind("district")])
    report = excel.dry_run(AREA_SPEC, data, by=district_admin)
    assert report.errors and "系统管理员" in report.errors[0].message
    assert excel.commit(AREA_SPEC, data, by=admin).created == 1


def test_two_thousand_rows_import(world, admin):
    rows = [["110105002", "安定街道", kind("street"), "110105"]]
    for community in range(1, 21):
        community_code = f"110105002{community:03d}"
        rows.append([community_code, f"第{community}社区", kind("community"), "110105002"])
        for grid in range(1, 21):
            grid_code = f"{community_code}G{grid:02d}"
            rows.append([grid_code, f"第{community}社区第{grid}网格", kind("grid"), community_code])
            for building in range(1, 5):
                rows.append([f"{grid_code}B{building:02d}", f"{building}号楼", kind("building"), grid_code])
    assert len(rows) == 1 + 20 + 400 + 1600
    report = excel.commit(AREA_SPEC, area_file(*rows[:2000]), by=admin)
    assert report.ok, report.errors[:3]
    assert report.created == 2000
    assert Area.objects.filter(code__startswith="110105002").count() == 2000


# --- The pages --------------------------------------------------------------------------------


def _upload(client, content: bytes, name: str = "区域.xlsx"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse("orgs:area_import"), {"file": upload})


def _token(response) -> str:
    match = re.search(r'name="token" value="([0-9a-f-]+)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match[1]


def test_upload_check_and_confirm_import_the_file(world, secretary_a, client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(secretary_a)
    page = client.get(reverse("orgs:area_import"))
    assert page.status_code == 200 and reverse("orgs:area_import_template") in page.content.decode()
    checked = _upload(
        client, area_file(["110105001001G03", "幸福社区第三网格", kind("grid"), "110105001001"])
    )
    assert checked.status_code == 200
    assert not Area.objects.filter(code="110105001001G03").exists()
    done = client.post(reverse("orgs:area_import"), {"token": _token(checked)})
    assert done.status_code == 200
    assert Area.objects.get_parent(Area.objects.get(code="110105001001G03")) == world.community_a
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT, username="secretary_a").count() == 1
    assert not list((tmp_path / "imports").glob("*.xlsx"))


def test_upload_with_errors_shows_rows_and_no_confirm_button(world, secretary_a, client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(secretary_a)
    response = _upload(
        client, area_file(["110105001002G02", "光明社区第二网格", kind("grid"), "110105001002"])
    )
    body = response.content.decode()
    assert "不在您的管辖范围内" in body and 'name="token"' not in body
    assert "<td>2</td>" in body


def test_non_xlsx_upload_is_refused_politely(world, secretary_a, client):
    client.force_login(secretary_a)
    response = _upload(client, "编码,名称\n1,幸福社区\n".encode(), name="区域.csv")
    assert response.status_code == 200
    assert "只能导入 Excel 的 .xlsx 文件" in response.content.decode()


def test_confirm_token_of_another_user_is_refused(
    world, secretary_a, district_admin, client, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    client.force_login(secretary_a)
    token = _token(
        _upload(client, area_file(["110105001001G03", "幸福社区第三网格", kind("grid"), "110105001001"]))
    )
    client.force_login(district_admin)
    response = client.post(reverse("orgs:area_import"), {"token": token})
    assert response.status_code == 400
    assert not Area.objects.filter(code="110105001001G03").exists()
    client.force_login(secretary_a)
    assert client.post(reverse("orgs:area_import"), {"token": token}).status_code == 200
    assert Area.objects.filter(code="110105001001G03").exists()


def test_template_download_has_the_area_columns(world, secretary_a, client):
    client.force_login(secretary_a)
    response = client.get(reverse("orgs:area_import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["编码*", "名称*", "类型*", "上级编码", "地址", "备注"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_import_pages_need_the_add_permission_somewhere(world, grid_worker_a, resident, client):
    for user in (grid_worker_a, resident):
        client.force_login(user)
        assert client.get(reverse("orgs:area_import")).status_code == 403
        assert client.get(reverse("orgs:area_import_template")).status_code == 403


def test_a_sheet_with_english_or_traditional_headers_imports_for_a_simplified_chinese_user(world, admin):
    from django.utils import translation

    for language in ("en", "zh-hant"):
        with translation.override(language):
            header = [str(column.label) for column in AREA_SPEC.columns]
            street_kind = str(AreaKind.STREET.label)
        code = f"11010500{'7' if language == 'en' else '8'}"
        data = xlsx(header, [[code, f"{language}街道", street_kind, "110105", None, None]])
        report = excel.commit(AREA_SPEC, data, by=admin)
        assert report.ok, (language, report.file_error, report.errors)
        assert Area.objects.get(code=code).kind == AreaKind.STREET
