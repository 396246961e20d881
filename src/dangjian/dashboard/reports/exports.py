"""The reports as Excel workbooks, through ``core.excel.export_sheets``: one sheet per section of
the 党建台账, one sheet of the grid × month service figures. Text that a spreadsheet would read as
a formula (a meeting topic starting with "=") is written as text by the helper."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from dangjian.core.excel import Column, date_column, export_sheets, text_column
from dangjian.dashboard.reports.ledger import PartyLedger
from dangjian.dashboard.reports.service_grid import KEYS, RATES, ServiceGrid, shown


def _number(key: str, label, width: int = 10) -> Column:
    return Column(key, label, width=width)


def ledger_sheets(ledger: PartyLedger) -> list[tuple]:
    """(title, columns, rows) of each section the ledger holds."""
    sheets = [
        (
            _("Members"),
            [
                text_column("name", pgettext_lazy("person", "Name"), width=12),
                text_column("status", _("Status"), width=12),
                date_column("joined_on", _("Joined on"), width=12),
                date_column("regularized_on", _("Became full member on"), width=14),
                text_column("branch", _("Branch"), width=30),
            ],
            [
                {
                    "name": line.name,
                    "status": str(line.status),
                    "joined_on": line.joined_on,
                    "regularized_on": line.regularized_on,
                    "branch": line.branch,
                }
                for line in ledger.members
            ],
        )
    ]
    if ledger.meetings is not None:
        sheets.append(
            (
                _("Organizational life"),
                [
                    date_column("date", _("Date"), width=12),
                    text_column("kind", _("Kind"), width=18),
                    text_column("title", _("Topic"), width=40),
                    text_column("state", _("State"), width=10),
                    _number("present", _("Present")),
                    _number("expected", _("Expected")),
                ],
                [
                    {
                        "date": line.date,
                        "kind": str(line.kind),
                        "title": line.title,
                        "state": str(line.state),
                        "present": line.present,
                        "expected": line.expected,
                    }
                    for line in ledger.meetings
                ],
            )
        )
        keys = [f"figure_{index}" for index in range(len(ledger.compliance_labels))]
        sheets.append(
            (
                _("三会一课 compliance"),
                [text_column("period", _("Period"), width=12)]
                + [
                    _number(key, label, width=12)
                    for key, label in zip(keys, ledger.compliance_labels, strict=True)
                ],
                [
                    {"period": row.label, **dict(zip(keys, row.values, strict=True))}
                    for row in ledger.compliance
                ],
            )
        )
    if ledger.dues is not None:
        month_keys = [f"m{month.month}" for month in ledger.dues_months]
        sheets.append(
            (
                _("Dues"),
                [text_column("name", pgettext_lazy("person", "Name"), width=12)]
                + [
                    _number(key, pgettext("month column", "M%(number)s") % {"number": month.month}, width=6)
                    for key, month in zip(month_keys, ledger.dues_months, strict=True)
                ]
                + [
                    _number("paid", _("Months paid")),
                    _number("arrears", _("Months in arrears")),
                    _number("amount_paid", _("Amount paid (yuan)"), width=14),
                ],
                [
                    {
                        "name": line.name,
                        **dict(zip(month_keys, line.marks, strict=True)),
                        "paid": line.paid,
                        "arrears": line.arrears,
                        "amount_paid": float(line.amount_paid),
                    }
                    for line in ledger.dues
                ],
            )
        )
    if ledger.applicants is not None:
        sheets.append(
            (
                _("Development"),
                [
                    text_column("name", pgettext_lazy("person", "Name"), width=12),
                    text_column("stage", _("Stage"), width=14),
                    text_column("state", _("State"), width=14),
                    date_column("applied_on", _("Applied on"), width=12),
                    text_column("steps", _("Steps done in the year"), width=60),
                ],
                [
                    {
                        "name": line.name,
                        "stage": line.stage,
                        "state": line.state,
                        "applied_on": line.applied_on,
                        "steps": "；".join(f"{day:%Y-%m-%d} {name}" for day, name in line.steps),
                    }
                    for line in ledger.applicants
                ],
            )
        )
    if ledger.volunteering is not None:
        sheets.append(
            (
                _("Volunteer service"),
                [
                    text_column("name", pgettext_lazy("person", "Name"), width=12),
                    _number("hours", _("Hours served")),
                    _number("activities", _("Activities")),
                    _number("records", _("Services recorded")),
                    text_column("posts", _("Posts held"), width=40),
                ],
                [
                    {
                        "name": line.name,
                        "hours": float(line.hours),
                        "activities": line.activities,
                        "records": line.records,
                        "posts": "；".join(line.posts),
                    }
                    for line in ledger.volunteering
                ],
            )
        )
    return sheets


def ledger_workbook(ledger: PartyLedger) -> tuple[bytes, int]:
    """The workbook and the number of data rows written over all sheets."""
    sheets = ledger_sheets(ledger)
    rows = sum(len(sheet_rows) for _title, _columns, sheet_rows in sheets)
    return export_sheets(sheets), rows


def service_grid_workbook(report: ServiceGrid) -> tuple[bytes, int]:
    """One sheet: a line per grid and month (and the year's total per grid), the four figures."""
    figure_keys = [key.split(".", 1)[1] for key in KEYS]
    columns = [
        text_column("grid", _("Grid"), width=28),
        text_column("month", _("Month"), width=10),
        *(_number(key, label, width=12) for key, label in zip(figure_keys, report.labels, strict=True)),
    ]
    rows = []
    for line in [*report.lines, report.total]:
        for month, values in [*zip(report.months, line.months, strict=True), (None, line.total)]:
            rows.append(
                {
                    "grid": line.label,
                    "month": f"{month:%Y-%m}" if month else str(_("Whole year")),
                    **{
                        name: shown(key, value) if key in RATES else value
                        for name, key, value in zip(figure_keys, KEYS, values, strict=True)
                    },
                }
            )
    return export_sheets([(_("Service figures by grid"), columns, rows)]), len(rows)
