"""What a ledger declares for import and export: its columns, rows, errors and report (``ImportSpec``)."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from dangjian.core.excel.cells import MAX_ERRORS, parse_choice, parse_code, parse_date, parse_text

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
