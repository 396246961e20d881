"""Writing workbooks: the import template of a ledger and its exports in the same columns (audited)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.excel.cells import MAX_ROWS, REQUIRED_MARK
from dangjian.core.excel.specs import Column, ImportSpec

# --- Writing workbooks ----------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
REQUIRED_HEADER_FONT = Font(bold=True, color="FFFF00")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
DATE_FORMAT = "yyyy-mm-dd"


# What a spreadsheet may read as the start of a formula (OWASP "CSV injection"): a resident's
# text "=HYPERLINK(…)" entered on the portal became a live formula in the request export,
# next to a column of clear mobiles. openpyxl itself stores any string starting with "=" as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_plain_text(cell: WriteOnlyCell) -> None:
    """Store ``cell`` as a string with Excel's quote prefix: shown as typed, never evaluated,
    not even when someone edits the cell and presses Enter."""
    cell.data_type = "s"
    cell.quotePrefix = True


def _sheet_title(text: Any) -> str:
    """Excel sheet names: at most 31 characters, none of ``[]:*?/\\``."""
    return re.sub(r"[\[\]:*?/\\]", "", str(text))[:31] or "Sheet1"


def header_label(column: Column) -> str:
    return f"{column.label}{REQUIRED_MARK}" if column.required else str(column.label)


def template_workbook(spec: ImportSpec) -> bytes:
    """An empty ledger to fill in: styled header, drop-downs, and a sheet explaining each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(spec.title)
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=header_label(column))
        cell.font = REQUIRED_HEADER_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        # Codes and other text stay text: Excel would otherwise turn 110105001001 into 1.10105E+11.
        if not column.is_date and column.choices is None:
            sheet.column_dimensions[letter].number_format = "@"
        if column.is_date:
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"

    choice_columns = [column for column in spec.columns if column.choices]
    if choice_columns:
        options = workbook.create_sheet(_sheet_title(_("Options")))
        for option_index, column in enumerate(choice_columns, start=1):
            letter = get_column_letter(option_index)
            options.cell(row=1, column=option_index, value=str(column.label))
            for choice_index, (_code, label) in enumerate(column.choices or [], start=2):
                options.cell(row=choice_index, column=option_index, value=str(label))
            last = len(column.choices or []) + 1
            validation = DataValidation(
                type="list",
                formula1=f"'{options.title}'!${letter}$2:${letter}${last}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=str(_("Not an option")),
                error=str(_("Please choose a value from the list.")),
            )
            data_letter = get_column_letter(list(spec.columns).index(column) + 1)
            validation.add(f"{data_letter}2:{data_letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
        options.sheet_state = "hidden"

    guide = workbook.create_sheet(_sheet_title(_("Instructions")))
    guide_headers = [_("Column"), _("Required"), _("Description"), _("Example"), _("Allowed values")]
    for index, text in enumerate(guide_headers, start=1):
        cell = guide.cell(row=1, column=index, value=str(text))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row_index, column in enumerate(spec.columns, start=2):
        allowed = "、".join(str(label) for _code, label in column.choices or [])
        values = [
            str(column.label),
            str(_("Yes")) if column.required else str(_("No")),
            str(column.help),
            column.example,
            allowed,
        ]
        for index, value in enumerate(values, start=1):
            cell = guide.cell(row=row_index, column=index, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if index == 4:
                cell.font = Font(italic=True, color="808080")
    note_row = len(spec.columns) + 3
    guide.cell(
        row=note_row,
        column=1,
        value=str(
            _(
                "Fill in the first sheet, one record per row, below the header. Columns marked * are "
                "required. Do not rename the header cells; columns may be in any order."
            )
        ),
    )
    for letter, width in zip("ABCDE", (18, 10, 60, 22, 40), strict=True):
        guide.column_dimensions[letter].width = width
    guide.freeze_panes = "A2"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _columns_of(spec_or_columns: ImportSpec | Sequence[Column]) -> Sequence[Column]:
    return spec_or_columns.columns if isinstance(spec_or_columns, ImportSpec) else spec_or_columns


def export_workbook(
    spec_or_columns: ImportSpec | Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    *,
    title: Any = "",
    counter: list[int] | None = None,
) -> bytes:
    """A workbook of ``rows`` (dicts by column key) in write-only mode, re-importable by the spec.

    ``counter``, when given, receives the number of rows written (for the export's audit line).
    """
    columns = _columns_of(spec_or_columns)
    if not title and isinstance(spec_or_columns, ImportSpec):
        title = spec_or_columns.title
    workbook = Workbook(write_only=True)
    written = _write_sheet(workbook, title, columns, rows)
    if counter is not None:
        counter.append(written)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_sheets(sheets: Iterable[tuple[Any, Sequence[Column], Iterable[Mapping[str, Any]]]]) -> bytes:
    """A workbook of several sheets, each ``(title, columns, rows)`` written as ``export_workbook``
    writes its one sheet (formula-like text stored as text). For reports of several sections,
    such as the yearly 党建台账; not meant to be re-imported."""
    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        _write_sheet(workbook, title, columns, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(
    workbook: Workbook, title: Any, columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]
) -> int:
    """Append a sheet of ``rows`` under a styled header; the number of rows written."""
    sheet = workbook.create_sheet(_sheet_title(title or "Sheet1"))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=header_label(column))
        cell.font = REQUIRED_HEADER_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in rows:
        cells = []
        for column in columns:
            value = column.to_cell(row.get(column.key))
            cell = WriteOnlyCell(sheet, value=value)
            if column.is_date and value is not None:
                cell.number_format = DATE_FORMAT
            elif isinstance(value, str):
                cell.number_format = "@"
                if value.startswith(FORMULA_STARTS):
                    as_plain_text(cell)
            cells.append(cell)
        sheet.append(cells)
        written += 1
    return written


def record_export(
    spec_or_title: ImportSpec | Any,
    *,
    by,
    filters: Mapping[str, Any],
    count: int,
    file_name: str,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Every export leaves an audit line: what, with which filters, how many rows (个人信息保护法)."""
    name = spec_or_title.name if isinstance(spec_or_title, ImportSpec) else ""
    title = spec_or_title.title if isinstance(spec_or_title, ImportSpec) else spec_or_title
    audit.record(
        AuditAction.EXPORT,
        by=by,
        object_repr=str(title),
        changes={"spec": name, "filters": dict(filters), "rows": count, "file": file_name, **(extra or {})},
        note=file_name,
    )
