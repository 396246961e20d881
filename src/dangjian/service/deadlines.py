"""Deadlines of service requests: the mechanism lives in ``core.deadlines`` (shared with the leader
mailbox); the names stay importable from here for the service app and its tests."""

from __future__ import annotations

from dangjian.core.deadlines import (
    ONE_DAY,
    add_working_hours,
    compute_due,
    end_of_day,
    extend_for_suspension,
    office_hours,
    working_hours_between,
)

__all__ = [
    "ONE_DAY",
    "add_working_hours",
    "compute_due",
    "end_of_day",
    "extend_for_suspension",
    "office_hours",
    "working_hours_between",
]
