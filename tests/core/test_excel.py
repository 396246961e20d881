"""The Excel pipeline itself: reading uploads, cell parsers, dry run and commit, templates, exports, kept uploads."""

from __future__ import annotations

import datetime
import io
import uuid
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook

from dangjian.core import audit, excel
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.excel import (
    CellError,
    ImportContext,
    ImportSpec,
    Outcome,
    Row,
    choice_column,
    code_column,
    date_column,
    parse_code,
    parse_date,
    text_column,
)
from dangjian.core.models import AuditEntry, PendingImport
from dangjian.orgs.choices import AreaKind


def xlsx(
    header: list[Any], rows: list[list[Any]], *, title: str = "Sheet1", above: list[list[Any]] = ()
) -> bytes:
    """A workbook built the way a user would: optional lines above the header, then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for line in above:
        sheet.append(line)
    sheet.append([str(cell) if cell is not None else None for cell in header])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _record_row(row: Row, context: ImportContext) -> Outcome:
    """A handler writing one audit line per row: enough to see commits and rollbacks."""
    if row["name"] == "拒绝":
        raise RuleViolation("这一行被规则拒绝。", rule="test", field="name")
    audit.record(AuditAction.CREATE, by=context.by, object_repr=row["name"], note=row["code"])
    return Outcome.CREATED


SPEC = ImportSpec(
    name="tests.ledger",
    title=_("Test ledger"),
    columns=[
        code_column("code", _("Code"), required=True),
        text_column("name", _("Name"), required=True, max_length=8),
        choice_column("kind", _("Type"), AreaKind.choices),
        date_column("on", _("Date")),
    ],
    handle_row=_record_row,
)
# The header as users download it in zh-Hans.
HEADER = ["编码", "名称", "类型", "日期"]


def _created_notes() -> list[str]:
    return list(
        AuditEntry.objects.filter(action=AuditAction.CREATE).order_by("id").values_list("note", flat=True)
    )


def test_codes_typed_as_numbers_come_back_as_their_digits():
    parse = parse_code()
    assert parse(110105001) == "110105001"
    assert parse(110105001.0) == "110105001"
    assert parse(" 110105001001 ".strip()) == "110105001001"
    with pytest.raises(CellError) as error:
        parse("1.10105E+11")
    assert "科学计数法" in error.value.message


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 11, 23),
        datetime.date(2026, 11, 23),
        "2026-11-23",
        "2026/11/23",
        "2026年11月23日",
        "2026.11.23",
        20261123,
        46349,  # the Excel serial number of 2026-11-23
    ],
)
def test_dates_are_read_in_the_forms_people_type_them(value):
    assert parse_date(value) == datetime.date(2026, 11, 23)


def test_an_impossible_date_is_explained_in_chinese():
    with pytest.raises(CellError) as error:
        parse_date("2026-02-30")
    assert "不存在" in error.value.message
    with pytest.raises(CellError) as error:
        parse_date("下周一")
    assert "无法识别" in error.value.message


def test_commit_writes_every_row_and_one_import_audit_line(admin):
    data = xlsx(HEADER, [["A1", "第一", "网格", "2026-11-23"], [2, "第二", "grid", None]])
    report = excel.commit(SPEC, data, by=admin, file_name="台账.xlsx")
    assert report.ok and report.committed
    assert (report.rows, report.created) == (2, 2)
    assert _created_notes() == ["A1", "2"]
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.changes["spec"] == "tests.ledger"
    assert entry.changes["file"] == "台账.xlsx"
    assert entry.changes["created"] == 2
    assert entry.username == "admin"


def test_dry_run_reports_counts_and_changes_nothing(admin):
    data = xlsx(HEADER, [["A1", "第一", None, None], ["A2", "第二", None, None]])
    report = excel.dry_run(SPEC, data, by=admin)
    assert report.ok and not report.committed
    assert report.created == 2
    assert not AuditEntry.objects.exists()


def test_one_refused_row_rolls_back_the_whole_commit_and_every_error_is_reported(admin):
    data = xlsx(
        HEADER,
        [
            ["A1", "第一", None, None],
            ["A2", "拒绝", None, None],
            ["A3", "名字实在是太长太长了", "街道", None],
            ["A4", "第四", "不存在的类型", "明天"],
        ],
    )
    report = excel.commit(SPEC, data, by=admin)
    assert not report.ok and not report.committed
    assert not AuditEntry.objects.exists()
    assert report.created == 0
    by_row = {(error.row, error.column): error.message for error in report.errors}
    assert by_row[(3, "名称")] == "这一行被规则拒绝。"
    assert "内容过长" in by_row[(4, "名称")]
    assert "不是可选的值" in by_row[(5, "类型")]
    assert "无法识别" in by_row[(5, "日期")]


def test_header_is_found_below_a_title_with_columns_in_any_order_and_unknown_ones_ignored(admin):
    data = xlsx(
        ["备注", "名称*", " code ", "Kind of thing"],
        [["随便", "第一", "  B7  ", "x"], [None, None, None, None], ["", "第二", "B8", None]],
        above=[["2026年网格台账"], []],
    )
    report = excel.commit(SPEC, data, by=admin)
    assert report.ok, report.errors
    assert _created_notes() == ["B7", "B8"]


def test_missing_required_column_is_a_file_error_naming_it(admin):
    report = excel.dry_run(SPEC, xlsx(["编码", "类型"], [["A1", "网格"]]), by=admin)
    assert report.file_error == "缺少必填列：名称。请使用下载的模板，保留这些列。"


def test_empty_required_cell_is_a_row_error(admin):
    report = excel.dry_run(SPEC, xlsx(HEADER, [["A1", "  ", None, None]]), by=admin)
    assert [(error.row, error.column) for error in report.errors] == [(2, "名称")]
    assert "必填" in report.errors[0].message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"code,name\nA1,first\n", ".xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "另存为"),
        (b"PK\x03\x04not really a zip", "损坏"),
        (b"", "空"),
    ],
)
def test_files_that_are_not_xlsx_are_refused_politely(admin, content, words):
    report = excel.dry_run(SPEC, content, by=admin)
    assert words in report.file_error
    assert not report.errors


def test_files_over_the_size_limit_are_refused(admin, monkeypatch):
    monkeypatch.setattr(excel.reading, "MAX_UPLOAD_BYTES", 1000)
    report = excel.dry_run(SPEC, xlsx(HEADER, [["A1", "第一", None, None]]), by=admin)
    assert "MB" in report.file_error


def test_files_over_the_row_limit_are_refused(admin, monkeypatch):
    monkeypatch.setattr(excel.reading, "MAX_ROWS", 3)
    rows = [[f"A{index}", "名", None, None] for index in range(4)]
    report = excel.dry_run(SPEC, xlsx(HEADER, rows), by=admin)
    assert "一次最多导入 3 行" in report.file_error


def test_errors_stop_at_the_cap(admin, monkeypatch):
    monkeypatch.setattr(excel.specs, "MAX_ERRORS", 5)
    rows = [[f"A{index}", "拒绝", None, None] for index in range(8)]
    report = excel.dry_run(SPEC, xlsx(HEADER, rows), by=admin)
    assert len(report.errors) == 5 and report.errors_truncated


def test_template_has_marked_header_dropdowns_frozen_pane_and_instructions():
    workbook = load_workbook(io.BytesIO(excel.template_workbook(SPEC)))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["编码*", "名称*", "类型", "日期"]
    assert sheet.freeze_panes == "A2"
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1 and str(validations[0].sqref).startswith("C2")
    options = workbook.worksheets[1]
    assert options.sheet_state == "hidden"
    assert [row[0] for row in options.iter_rows(min_row=2, values_only=True)] == [
        str(label) for _code, label in AreaKind.choices
    ]
    guide = workbook["填写说明"]
    assert [row[0] for row in guide.iter_rows(min_row=2, max_row=5, values_only=True)] == [
        "编码",
        "名称",
        "类型",
        "日期",
    ]


def test_an_empty_template_is_refused_as_having_no_rows(admin):
    report = excel.dry_run(SPEC, excel.template_workbook(SPEC), by=admin)
    assert "没有数据行" in report.file_error


def test_export_reimports_with_the_same_values(admin):
    rows = [
        {"code": "110105001001", "name": "第一", "kind": AreaKind.GRID, "on": datetime.date(2026, 11, 23)},
        {"code": "A2", "name": "第二", "kind": "", "on": None},
    ]
    counter: list[int] = []
    content = excel.export_workbook(SPEC, rows, counter=counter)
    assert counter == [2]
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["A2"].value == "110105001001" and sheet["A2"].data_type == "s"
    assert sheet["C2"].value == "网格"
    seen: list[dict] = []

    def keep(row: Row, context: ImportContext) -> Outcome:
        seen.append(dict(row.values))
        return Outcome.UNCHANGED

    spec = ImportSpec(name="tests.keep", title="keep", columns=SPEC.columns, handle_row=keep)
    report = excel.dry_run(spec, content, by=admin)
    assert report.ok and report.unchanged == 2
    assert seen == [
        {"code": "110105001001", "name": "第一", "kind": "grid", "on": datetime.date(2026, 11, 23)},
        {"code": "A2", "name": "第二", "kind": "", "on": None},
    ]


def test_kept_upload_is_given_back_only_to_its_uploader_and_for_its_ledger(admin, resident):
    token = excel.keep_upload(SPEC, b"PK\x03\x04data", by=admin, original_name="区域.xlsx")
    kept = PendingImport.objects.get(token=token)
    assert kept.user == admin and kept.spec == "tests.ledger"
    assert excel.load_upload(SPEC, token, by=resident) is None
    other = ImportSpec(name="tests.other", title="other", columns=SPEC.columns, handle_row=_record_row)
    assert excel.load_upload(other, token, by=admin) is None
    assert excel.load_upload(SPEC, "../../secret_key", by=admin) is None
    upload = excel.load_upload(SPEC, token, by=admin)
    assert upload is not None and upload.original_name == "区域.xlsx" and upload.read() == b"PK\x03\x04data"
    excel.discard_upload(upload)
    assert excel.load_upload(SPEC, token, by=admin) is None


def test_uploads_older_than_a_day_are_removed_and_can_no_longer_be_confirmed(admin, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    old = excel.keep_upload(SPEC, b"old", by=admin, original_name="old.xlsx")
    PendingImport.objects.filter(token=old).update(created_at=timezone.now() - datetime.timedelta(days=2))
    fresh = excel.keep_upload(SPEC, b"fresh", by=admin, original_name="fresh.xlsx")
    assert excel.load_upload(SPEC, old, by=admin) is None

    assert excel.remove_stale_uploads() == 1

    assert list(PendingImport.objects.values_list("token", flat=True)) == [uuid.UUID(fresh)]
    assert excel.load_upload(SPEC, fresh, by=admin) is not None


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_an_exported_text_that_a_spreadsheet_would_evaluate_is_stored_as_quoted_text(text):
    columns = [text_column("note", "备注")]
    sheet = load_workbook(io.BytesIO(excel.export_workbook(columns, [{"note": text}]))).active
    cell = sheet.cell(row=2, column=1)
    # XML keeps no bare CR: it comes back as a line feed, still text.
    assert cell.value == text.replace("\r", "\n") and cell.data_type == "s" and cell.quotePrefix


def test_plain_exported_text_has_no_quote_prefix():
    sheet = load_workbook(
        io.BytesIO(excel.export_workbook([text_column("note", "备注")], [{"note": "张三"}]))
    ).active
    assert sheet.cell(row=2, column=1).quotePrefix is False
