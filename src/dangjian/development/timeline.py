"""An applicant's timeline: every step of the pipeline with its records, what is next, when it is
due and what is late — computed from the step definitions and the records already loaded."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from dangjian.development import rules
from dangjian.development.services import done_dates, extension_months

DONE, NEXT, LATE, WAITING, OPTIONAL = "done", "next", "late", "waiting", "optional"


@dataclass
class TimelineRow:
    step: object
    records: list = field(default_factory=list)
    status: str = WAITING
    earliest: datetime.date | None = None
    deadline: datetime.date | None = None
    can_record: bool = False


def build(applicant, records: list, steps: list, today: datetime.date) -> list[TimelineRow]:
    """One row per active step, in order; ``records`` with ``step`` loaded, ``steps`` in order."""
    by_step: dict[int, list] = {}
    for record in sorted(records, key=lambda record: (record.date, record.pk)):
        by_step.setdefault(record.step_id, []).append(record)
    done = done_dates(records)
    extra = extension_months(records)
    next_code = applicant.next_step.code if applicant.is_open and applicant.next_step else None
    rows = []
    for step in steps:
        row = TimelineRow(step=step, records=by_step.get(step.pk, []))
        due = rules.due_of(step, done, extra)
        row.earliest, row.deadline = due.earliest, due.deadline
        if row.records:
            row.status = DONE
        elif step.code == next_code:
            row.status = LATE if due.deadline and due.deadline < today else NEXT
        elif not step.is_required:
            row.status = OPTIONAL
        open_file = applicant.is_open
        row.can_record = open_file and due.ready and (step.is_repeatable or not row.records)
        if step.code == "application":
            row.can_record = False
        rows.append(row)
    return rows
