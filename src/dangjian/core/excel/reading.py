"""Reading an upload: size and format checks, finding the header row, typed rows with cell errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext
from openpyxl import load_workbook

from dangjian.core.excel.cells import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    XLS_MAGIC,
    XLSX_MAGIC,
    CellError,
    ImportFileError,
    _labels_in_every_language,
    _normalize_label,
)
from dangjian.core.excel.specs import Column, ImportContext, ImportSpec, Row

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
