"""Excel import and export of the platform's ledgers: templates, dry runs, row errors, exports.

Grassroots work lives in Excel. Each ledger declares an ``ImportSpec`` (its columns and a row
handler that calls the app's services); this module turns it into a template workbook, reads an
upload into typed rows with Chinese cell errors, runs the handler for every row in one
transaction (always rolled back for a dry run, rolled back entirely on any error for a commit),
and writes exports in the same columns so an exported ledger re-imports unchanged.
"""

from __future__ import annotations

import datetime
import enum
import io
import json
import re
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# A 10 MB zip can unpack to gigabytes; a real ledger of 20,000 rows stays far below this.
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_ERRORS = 200
HEADER_SEARCH_ROWS = 10
PENDING_MAX_AGE = datetime.timedelta(hours=24)
REQUIRED_MARK = "*"

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class ImportFileError(Exception):
    """The whole file is refused (wrong format, too large, missing column); ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """A parser's refusal of one cell, with a message saying what to write instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Cell parsers ---------------------------------------------------------------------------
# A parser receives a non-empty cell value (str, int, float, datetime, bool) and returns the
# value for the row handler, or raises CellError. Empty cells never reach a parser.


def _number_text(value: float | int) -> str:
    """A number typed into Excel as its digits: 110105001.0 → "110105001"."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def cell_text(value: Any) -> str:
    """A cell as text, the way the user sees it (numbers without a trailing ``.0``)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def parse_text(max_length: int | None = None) -> Callable[[Any], str]:
    """Free text, stripped; a number typed into the cell is taken as its digits."""

    def parse(value: Any) -> str:
        text = cell_text(value)
        if max_length is not None and len(text) > max_length:
            raise CellError(
                gettext("Too long: at most %(max)s characters, this has %(length)s.")
                % {"max": max_length, "length": len(text)}
            )
        return text

    return parse


_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")


def parse_code(max_length: int = 32) -> Callable[[Any], str]:
    """A code (编码): Excel turns 110105001 into a number, and long ones into 1.10105E+11."""

    def parse(value: Any) -> str:
        text = cell_text(value)
        if _SCIENTIFIC.match(text):
            raise CellError(
                gettext(
                    "Excel shows the code “%(code)s” in scientific notation; format the column as “Text” "
                    "and enter the full code again."
                )
                % {"code": text}
            )
        if any(character.isspace() for character in text):
            raise CellError(gettext("The code “%(code)s” must not contain spaces.") % {"code": text})
        if len(text) > max_length:
            raise CellError(
                gettext("The code is too long: at most %(max)s characters, this has %(length)s.")
                % {"max": max_length, "length": len(text)}
            )
        return text

    return parse


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: Any) -> datetime.date:
    """A date as an Excel date, a serial number, ``2026-11-23``, ``2026/11/23`` or ``2026年11月23日``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000000 <= value <= 29991231 and float(value).is_integer():  # 20261123 typed as a number
            value = str(int(value))
        elif 1 <= value < 2958466:  # an Excel serial day number in a cell not formatted as a date
            return from_excel(value).date()
    text = cell_text(value)
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if match:
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError(
                gettext("The date “%(date)s” does not exist; check the year, month and day.") % {"date": text}
            ) from None
    raise CellError(gettext("The date “%(date)s” cannot be read; write it like 2026-11-23.") % {"date": text})


def parse_int(minimum: int | None = None, maximum: int | None = None) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        text = cell_text(value)
        try:
            number = int(float(text)) if re.fullmatch(r"-?\d+(\.0+)?", text) else int(text)
        except ValueError:
            raise CellError(gettext("“%(value)s” is not a whole number.") % {"value": text}) from None
        if minimum is not None and number < minimum:
            raise CellError(
                gettext("The number %(number)s is too small; the smallest allowed is %(minimum)s.")
                % {"number": number, "minimum": minimum}
            )
        if maximum is not None and number > maximum:
            raise CellError(
                gettext("The number %(number)s is too large; the largest allowed is %(maximum)s.")
                % {"number": number, "maximum": maximum}
            )
        return number

    return parse


def _normalize_label(text: Any) -> str:
    """Header and choice labels compared without case, spaces or the required mark."""
    return re.sub(r"[\s*＊]", "", cell_text(text)).casefold()


def _labels_in_every_language(label: Any) -> set[str]:
    """A translated label in each configured language, so a zh-Hant sheet imports for a zh-Hans user."""
    labels = {str(label)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(str(label))
    return labels


def parse_choice(choices: Sequence[tuple[str, Any]]) -> Callable[[Any], str]:
    """One of a fixed set: the label (in any language) or the stored code is accepted."""

    accepted: dict[str, str] = {}

    def parse(value: Any) -> str:
        if not accepted:  # built on first use, when the translation catalogs are loaded
            for code, label in choices:
                accepted[_normalize_label(code)] = code
                for item in _labels_in_every_language(label):
                    accepted.setdefault(_normalize_label(item), code)
        text = cell_text(value)
        if _normalize_label(text) in accepted:
            return accepted[_normalize_label(text)]
        allowed = gettext(", ").join(str(label) for _code, label in choices)
        raise CellError(
            gettext("“%(value)s” is not one of the choices; pick one from the drop-down list: %(allowed)s.")
            % {"value": text, "allowed": allowed}
        )

    return parse


# --- Specifications -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Column:
    """One column of a ledger: how it is labelled, parsed, explained and exported."""

    key: str
    label: Any  # a lazy translation: English msgid, Chinese in the zh-Hans catalog
    required: bool = False
    parse: Callable[[Any], Any] = field(default_factory=parse_text)
    # (stored code, label) pairs; the labels become a drop-down in the template.
    choices: Sequence[tuple[str, Any]] | None = None
    example: str = ""
    help: Any = ""
    width: int = 16
    # The value an empty optional cell gives the handler.
    empty: Any = ""
    is_date: bool = False

    def to_cell(self, value: Any) -> Any:
        """The value written into an export cell, in the form this column parses back."""
        if value is None or value == "":
            return None
        if self.choices is not None:
            return str(dict(self.choices).get(value, value))
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return value


def text_column(key: str, label: Any, *, max_length: int | None = None, **options: Any) -> Column:
    return Column(key, label, parse=parse_text(max_length), **options)


def code_column(key: str, label: Any, *, max_length: int = 32, **options: Any) -> Column:
    return Column(key, label, parse=parse_code(max_length), **options)


def date_column(key: str, label: Any, **options: Any) -> Column:
    options.setdefault("example", "2026-11-23")
    return Column(key, label, parse=parse_date, empty=None, is_date=True, **options)


def choice_column(key: str, label: Any, choices: Sequence[tuple[str, Any]], **options: Any) -> Column:
    choices = list(choices)
    options.setdefault("example", str(choices[0][1]) if choices else "")
    return Column(key, label, parse=parse_choice(choices), choices=choices, **options)


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class Row:
    """One data row of an upload: its Excel row number and its parsed values by column key."""

    number: int
    values: dict[str, Any]
    failed: bool = False

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in Excel; 0 for the whole file
    column: str  # the column's label, or "" when the whole row is concerned
    message: str


@dataclass
class ImportReport:
    spec: str
    file_name: str = ""
    dry_run: bool = True
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Things the user should know about rows that pass (e.g. "this person is already registered").
    notes: list[RowError] = field(default_factory=list)
    file_error: str = ""
    errors_truncated: bool = False
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }


@dataclass
class ImportContext:
    """What a row handler knows besides its row: who imports, and a place to keep lookups."""

    spec: ImportSpec
    by: Any
    dry_run: bool
    report: ImportReport
    state: dict[str, Any] = field(default_factory=dict)
    # The organization (and area) path of the import's summary audit line, so that the staff of
    # that subtree see it in the audit log; ``prepare`` or ``handle_row`` sets it. Empty: only
    # global users see the line.
    audit_org_path: str = ""
    audit_area_path: str = ""

    def error(self, row: Row, message: str, column: str | None = None) -> None:
        """Record a row error (``column`` is a column key) and mark the row as failed."""
        row.failed = True
        label = str(self.spec.column(column).label) if column else ""
        if len(self.report.errors) < MAX_ERRORS:
            self.report.errors.append(RowError(row.number, label, message))
        else:
            self.report.errors_truncated = True

    def note(self, row: Row, message: str, column: str | None = None) -> None:
        """Record a note on a row that is not refused (shown with the dry-run report)."""
        if len(self.report.notes) < MAX_ERRORS:
            label = str(self.spec.column(column).label) if column else ""
            self.report.notes.append(RowError(row.number, label, message))


@dataclass(frozen=True)
class ImportSpec:
    """A ledger's import: its columns, how rows are ordered, and what one row does.

    ``handle_row(row, context)`` calls the app's services and returns an ``Outcome``; it
    raises ``RuleViolation`` (or ``CellError``) to refuse the row. ``prepare(rows, context)``,
    when given, returns the rows in the order they must run (parents first) and may record
    errors on rows it drops.
    """

    name: str  # stable identifier: "orgs.area"; stored with pending uploads and in the audit log
    title: Any
    columns: Sequence[Column]
    handle_row: Callable[[Row, ImportContext], Outcome]
    prepare: Callable[[list[Row], ImportContext], list[Row]] | None = None

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


# --- Reading an upload ------------------------------------------------------------------------


def _read_bytes(file: bytes | BinaryIO | Path | str) -> bytes:
    if isinstance(file, bytes):
        data = file
    elif isinstance(file, Path | str):
        with open(file, "rb") as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_UPLOAD_BYTES + 1)
    return data


def too_large_message() -> str:
    """The refusal of an upload over ``MAX_UPLOAD_BYTES``, shared by the upload form and the reader."""
    return gettext(
        "The file is larger than %(size)s MB; split it into several files and import them one by one."
    ) % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}


def check_upload(data: bytes) -> None:
    """Refuse anything but a reasonable .xlsx before openpyxl parses it."""
    if not data:
        raise ImportFileError(gettext("The uploaded file is empty; choose the filled-in Excel file."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(too_large_message())
    if data.startswith(XLS_MAGIC):
        raise ImportFileError(
            gettext(
                "This is an old Excel (.xls) file; in Excel, use “Save As” to save it as .xlsx and upload it again."
            )
        )
    if not data.startswith(XLSX_MAGIC):
        raise ImportFileError(
            gettext(
                "Only Excel .xlsx files can be imported; download the template, fill it in and upload it."
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                raise ImportFileError(
                    gettext(
                        "The file is not a valid .xlsx workbook; save it as .xlsx in Excel and upload it again."
                    )
                )
    except zipfile.BadZipFile:
        raise ImportFileError(
            gettext("The file is damaged or not an .xlsx workbook; save it again and upload it.")
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            gettext(
                "The file's content is too large; split it into several files and import them one by one."
            )
        )


def _header_map(spec: ImportSpec) -> dict[str, Column]:
    labels: dict[str, Column] = {}
    for column in spec.columns:
        labels[_normalize_label(column.key)] = column
        for label in _labels_in_every_language(column.label):
            labels[_normalize_label(label)] = column
    return labels


def _find_header(rows: list[tuple], spec: ImportSpec) -> tuple[int, dict[int, Column]] | None:
    """The header row among the first rows: the one naming the most of the spec's columns."""
    labels = _header_map(spec)
    best: tuple[int, dict[int, Column]] | None = None
    for index, values in enumerate(rows):
        found: dict[int, Column] = {}
        for position, value in enumerate(values):
            if value is None:
                continue
            column = labels.get(_normalize_label(value))
            if column is not None and column not in found.values():
                found[position] = column
        if found and (best is None or len(found) > len(best[1])):
            best = (index, found)
    return best


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(spec: ImportSpec, data: bytes, context: ImportContext) -> list[Row]:
    """Parse the data sheet into rows; cell errors go to the report, file errors are raised."""
    check_upload(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on malformed files
        raise ImportFileError(
            gettext("This Excel file cannot be read; save it as .xlsx in Excel and upload it again.")
        ) from None
    try:
        sheet = header = None
        for candidate in workbook.worksheets:
            if candidate.sheet_state != "visible":
                continue
            top = [
                tuple(values) for values in candidate.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
            ]
            found = _find_header(top, spec)
            if found is not None and (header is None or len(found[1]) > len(header[1])):
                sheet, header = candidate, found
        if sheet is None or header is None:
            raise ImportFileError(
                gettext(
                    "No header row was found; use the downloaded template and do not delete or change "
                    "the column names in the first row."
                )
            )
        header_index, positions = header
        missing = [
            str(column.label)
            for column in spec.columns
            if column.required and column not in positions.values()
        ]
        if missing:
            raise ImportFileError(
                gettext(
                    "Required columns are missing: %(columns)s. Use the downloaded template and keep these columns."
                )
                % {"columns": gettext(", ").join(missing)}
            )
        rows: list[Row] = []
        first_data_row = header_index + 2  # Excel counts from 1, and data starts below the header
        for number, values in enumerate(
            sheet.iter_rows(min_row=first_data_row, values_only=True), start=first_data_row
        ):
            cells = {
                column: values[position] for position, column in positions.items() if position < len(values)
            }
            if all(_is_empty(value) for value in cells.values()):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(
                    gettext(
                        "At most %(max)s rows can be imported at once; split the file into several files."
                    )
                    % {"max": MAX_ROWS}
                )
            row = Row(number=number, values={})
            for column in spec.columns:
                raw = cells.get(column)
                if isinstance(raw, str):
                    raw = raw.strip()
                if _is_empty(raw):
                    if column.required:
                        context.error(
                            row,
                            gettext("“%(column)s” is required; fill it in.") % {"column": column.label},
                            column.key,
                        )
                    row.values[column.key] = column.empty
                    continue
                try:
                    row.values[column.key] = column.parse(raw)
                except CellError as error:
                    context.error(row, error.message, column.key)
                    row.values[column.key] = None
            rows.append(row)
        return rows
    finally:
        workbook.close()


# --- Running an import ----------------------------------------------------------------------


def _run(
    spec: ImportSpec, file: bytes | BinaryIO | Path | str, *, by, dry_run: bool, file_name: str
) -> ImportReport:
    report = ImportReport(spec=spec.name, file_name=file_name, dry_run=dry_run)
    context = ImportContext(spec=spec, by=by, dry_run=dry_run, report=report)
    try:
        rows = read_rows(spec, _read_bytes(file), context)
    except ImportFileError as error:
        report.file_error = error.message
        return report
    report.rows = len(rows)
    if not rows:
        report.file_error = gettext(
            "The file has no data rows; fill them in below the header and upload it again."
        )
        return report
    with transaction.atomic():
        ordered = spec.prepare(rows, context) if spec.prepare else rows
        for row in ordered:
            if row.failed:
                continue
            if report.errors_truncated:
                break
            try:
                # A savepoint per row: a refused row must not poison the transaction (PostgreSQL).
                with transaction.atomic():
                    outcome = spec.handle_row(row, context)
            except RuleViolation as violation:
                context.error(row, violation.message, _column_for_field(spec, violation.field))
                continue
            except CellError as error:
                context.error(row, error.message)
                continue
            report.count(outcome)
        report.errors.sort(key=lambda error: error.row)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
        else:
            audit.record(
                AuditAction.IMPORT,
                _ImportScope(context.audit_org_path, context.audit_area_path),
                by=by,
                object_repr=str(spec.title),
                changes={"spec": spec.name, "file": file_name, **report.as_dict()},
                note=file_name,
            )
            report.committed = True
    if not dry_run and not report.ok:
        # Nothing was imported: counts of rows that would have gone through would mislead.
        report.created = report.updated = report.unchanged = 0
    return report


class _ImportScope:
    """Stands for the imported records in ``audit.record``: no single object, only the paths of
    the subtree whose staff should see the import's summary line."""

    class _meta:  # read by audit.record like a model's Meta
        label_lower = ""

    pk = None

    def __init__(self, org_path: str, area_path: str) -> None:
        self.org_path, self.area_path = org_path, area_path

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.org_path, self.area_path


def _column_for_field(spec: ImportSpec, field_name: str | None) -> str | None:
    if not field_name:
        return None
    keys = {column.key for column in spec.columns}
    # A service names the model field ("parent"); the ledger may hold it as a code column.
    for key in (field_name, f"{field_name}_code"):
        if key in keys:
            return key
    return None


def dry_run(
    spec: ImportSpec, file: bytes | BinaryIO | Path | str, *, by, file_name: str = ""
) -> ImportReport:
    """Run every row as a commit would, report what would happen, and change nothing."""
    return _run(spec, file, by=by, dry_run=True, file_name=file_name)


def commit(spec: ImportSpec, file: bytes | BinaryIO | Path | str, *, by, file_name: str = "") -> ImportReport:
    """Import every row, or nothing at all if any row is refused."""
    return _run(spec, file, by=by, dry_run=False, file_name=file_name)


# --- Writing workbooks ----------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
REQUIRED_HEADER_FONT = Font(bold=True, color="FFFF00")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
DATE_FORMAT = "yyyy-mm-dd"


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
            cells.append(cell)
        sheet.append(cells)
        written += 1
    if counter is not None:
        counter.append(written)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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


# --- Uploads kept between the dry run and the commit ----------------------------------------


@dataclass(frozen=True)
class PendingUpload:
    token: str
    path: Path
    user_id: int
    spec: str
    original_name: str
    uploaded_at: str

    def read(self) -> bytes:
        return self.path.read_bytes()


def pending_dir() -> Path:
    directory = Path(settings.DATA_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def remove_stale_uploads(max_age: datetime.timedelta = PENDING_MAX_AGE) -> int:
    """Delete kept uploads older than ``max_age``; called at each upload, so no scheduler is needed."""
    limit = time.time() - max_age.total_seconds()
    removed = 0
    for path in pending_dir().iterdir():
        if path.suffix in {".xlsx", ".json"} and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += path.suffix == ".xlsx"
    return removed


def keep_upload(spec: ImportSpec, data: bytes, *, by, original_name: str) -> str:
    """Keep an upload that passed its dry run until the user confirms; returns the token."""
    remove_stale_uploads()
    token = str(uuid.uuid4())
    directory = pending_dir()
    (directory / f"{token}.xlsx").write_bytes(data)
    sidecar = {
        "user_id": by.pk,
        "spec": spec.name,
        "original_name": original_name,
        "uploaded_at": timezone.now().isoformat(),
    }
    (directory / f"{token}.json").write_text(json.dumps(sidecar, ensure_ascii=False))
    return token


def load_upload(spec: ImportSpec, token: str, *, by) -> PendingUpload | None:
    """The kept upload for ``token`` if it belongs to this user and this ledger, else None."""
    try:
        token = str(uuid.UUID(str(token)))  # also refuses anything that could escape the directory
    except ValueError:
        return None
    directory = pending_dir()
    data_path, sidecar_path = directory / f"{token}.xlsx", directory / f"{token}.json"
    if not data_path.exists() or not sidecar_path.exists():
        return None
    if time.time() - data_path.stat().st_mtime > PENDING_MAX_AGE.total_seconds():
        return None
    sidecar = json.loads(sidecar_path.read_text())
    if sidecar.get("user_id") != by.pk or sidecar.get("spec") != spec.name:
        return None
    return PendingUpload(
        token=token,
        path=data_path,
        user_id=sidecar["user_id"],
        spec=sidecar["spec"],
        original_name=sidecar.get("original_name", ""),
        uploaded_at=sidecar.get("uploaded_at", ""),
    )


def discard_upload(upload: PendingUpload) -> None:
    upload.path.unlink(missing_ok=True)
    upload.path.with_suffix(".json").unlink(missing_ok=True)
