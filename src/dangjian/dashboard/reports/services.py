"""The one thing the reports write: the audit line of every printed or exported report.

A 党建台账 lists members by name with their dues and hours (个人信息保护法: who took which list
out, and when), so each PDF and Excel download leaves a line filed under the organization or
area it covers, where that scope's auditors find it.
"""

from __future__ import annotations

from django.db import transaction

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.scoping import check_perm


def record_report_export(
    user, node, *, permission: str, report: str, year: int, file_format: str, file_name: str, rows: int
) -> None:
    """Audit one download of ``report`` over ``node`` (an organization or an area) for ``year``;
    refused unless ``user`` holds ``permission`` over the node."""
    check_perm(user, permission, node)
    with transaction.atomic():
        audit.record(
            AuditAction.EXPORT,
            node,
            by=user,
            object_repr=f"{node.name} · {report} · {year}",
            changes={"report": report, "year": year, "format": file_format, "rows": rows, "file": file_name},
            note=file_name,
        )
