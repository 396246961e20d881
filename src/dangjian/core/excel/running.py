"""Running an import: every row in one transaction, rolled back for a dry run or on any error; audited."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.core.excel.cells import CellError, ImportFileError
from dangjian.core.excel.reading import _read_bytes, read_rows
from dangjian.core.excel.specs import ImportContext, ImportReport, ImportSpec

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
