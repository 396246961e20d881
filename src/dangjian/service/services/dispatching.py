"""The dispatcher's actions: 受理, 不予受理, 分派/改派, 审核, 挂起/恢复, 重新打开, 整改, 归档, re-categorizing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import scope_of
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.service import deadlines
from dangjian.service.choices import (
    FollowUpState,
    RequestAction,
    TimeLimitUnit,
)
from dangjian.service.models import (
    Category,
    Department,
    ServiceRequest,
)
from dangjian.service.services.common import (
    NOTIFY_DISPATCHED,
    _change,
    _notify_handler,
    _now,
    _required,
    responsible_org,
    route_for,
)
from dangjian.service.services.rights import DISPATCH, S

# --- dispatcher ------------------------------------------------------------------------------------


def accept_request(request_obj: ServiceRequest, *, by, note: str = "", now=None) -> ServiceRequest:
    """受理: the dispatcher takes the request on (exactly one of several simultaneous attempts wins).

    A request 待定位 is placed in a grid first: the grid decides which community takes it on.
    """
    now = _now(now)
    return _change(
        request_obj,
        "accept",
        by=by,
        to_state=S.ACCEPTED,
        fields={"accepted_at": now},
        note=note,
        now=now,
        check=_require_placed,
    )


def _require_placed(current: ServiceRequest) -> None:
    if current.awaiting_location:
        raise RuleViolation(
            gettext("This request has no grid yet (待定位); place it in a grid first."),
            rule="accept.unplaced",
        )


def place_request(request_obj: ServiceRequest, *, by, grid: Area, note: str = "", now=None) -> ServiceRequest:
    """定位: put a request reported with an address only (待定位) into its grid.

    The dispatcher of the node it was filed under finds the grid from the address; the request
    then goes where a request reported in that grid goes: its area and responsible organization
    are the grid's, so it is 新上报 in that community's queue, and 分派 suggests the routing
    table's handler for the grid. The deadline does not move: it runs from the report, as for
    every request (``submit_request``), so the time spent 待定位 counts. The grid must lie
    where the dispatcher may dispatch.
    """
    now = _now(now)
    if grid is None or grid.kind != AreaKind.GRID or not grid.is_active:
        raise RuleViolation(
            gettext("Please choose a grid (not a community or street) from the list."),
            rule="place.grid",
            field="area",
        )
    org = responsible_org(grid)
    if not scope_of(by).has_perm(
        DISPATCH, area_path=grid.path, org_path=org.path if org is not None else None
    ):
        raise PermissionDenied(
            gettext(
                "You may place requests only in grids where you dispatch requests; “%(grid)s” is not one."
            )
            % {"grid": grid.name},
            rule="place.permission",
        )
    record: dict = {}

    def check(current: ServiceRequest) -> None:
        if not current.awaiting_location:
            raise RuleViolation(
                gettext("This request is already in the grid “%(grid)s”.") % {"grid": current.area.name},
                rule="place.placed",
            )
        record["area"] = [current.area.name, grid.name]

    return _change(
        request_obj,
        "place",
        by=by,
        fields={
            "area": grid,
            "area_path": grid.path,
            "awaiting_location": False,
            "org": org,
            "org_path": org.path if org is not None else "",
        },
        check=check,
        note=note,
        data=record,
        now=now,
    )


def reject_request(request_obj: ServiceRequest, *, by, reason: str, now=None) -> ServiceRequest:
    """不予受理, with the reason the resident will read."""
    reason = _required(reason, "reason", gettext("the reason"))
    return _change(
        request_obj,
        "reject",
        by=by,
        to_state=S.REJECTED,
        fields={"rejection_reason": reason},
        note=reason,
        now=now,
    )


def _handler_fields(
    handler_org: Organization | None, handler_department: Department | None, assignee
) -> dict:
    if (handler_org is None) == (handler_department is None):
        raise RuleViolation(
            gettext("Choose one handler: an organization or a department."),
            rule="dispatch.handler",
            field="handler",
        )
    if handler_department is not None and not handler_department.is_active:
        raise RuleViolation(
            gettext("This department is no longer active."), rule="dispatch.handler", field="handler"
        )
    if handler_org is not None and not handler_org.is_active:
        raise RuleViolation(
            gettext("This organization is no longer active."), rule="dispatch.handler", field="handler"
        )
    return {
        "handler_org": handler_org,
        "handler_org_path": handler_org.path if handler_org is not None else "",
        "handler_department": handler_department,
        "assignee": assignee,
    }


def dispatch_request(
    request_obj: ServiceRequest,
    *,
    by,
    handler_org: Organization | None = None,
    handler_department: Department | None = None,
    assignee=None,
    note: str = "",
    now=None,
) -> ServiceRequest:
    """分派: send an accepted (or returned) request to a handler; without one, the routing table's."""
    if handler_org is None and handler_department is None:
        handler_org, handler_department = route_for(request_obj.category, request_obj.area)
    return _send_to_handler(request_obj, "dispatch", by, handler_org, handler_department, assignee, note, now)


def reassign_request(
    request_obj: ServiceRequest,
    *,
    by,
    handler_org: Organization | None = None,
    handler_department: Department | None = None,
    assignee=None,
    note: str = "",
    now=None,
) -> ServiceRequest:
    """改派: move a dispatched request to another handler (the old one stops being its handler)."""
    return _send_to_handler(request_obj, "reassign", by, handler_org, handler_department, assignee, note, now)


# Its notices are written in the same transaction as the change (all or nothing).
@transaction.atomic
def _send_to_handler(
    request_obj: ServiceRequest,
    action: str,
    by,
    handler_org: Organization | None,
    handler_department: Department | None,
    assignee,
    note: str,
    now,
) -> ServiceRequest:
    """分派 and 改派: one handler replaces whatever handler the locked request had."""
    now = _now(now)
    fields = _handler_fields(handler_org, handler_department, assignee)
    fields["dispatched_at"] = now
    handler_name = str(handler_org or handler_department)
    record: dict = {}

    def prepare(current: ServiceRequest) -> dict:
        # The timeline shows old → new when a handler is replaced, the handler alone otherwise.
        previous = current.handler_org or current.handler_department
        record.update({"from": str(previous), "to": handler_name} if previous else {"handler": handler_name})
        return {}

    request_obj = _change(
        request_obj,
        action,
        by=by,
        to_state=S.DISPATCHED,
        fields=fields,
        prepare=prepare,
        note=note,
        data=record,
        now=now,
    )
    _notify_handler(
        request_obj, gettext("A request was dispatched to you: %(title)s"), NOTIFY_DISPATCHED, now
    )
    return request_obj


def bulk_dispatch(
    requests: Iterable[ServiceRequest],
    *,
    by,
    handler_org: Organization | None = None,
    handler_department: Department | None = None,
    note: str = "",
) -> tuple[list[ServiceRequest], list[tuple[ServiceRequest, str]]]:
    """Dispatch several requests to one handler; each is its own transaction, refusals are listed."""
    done: list[ServiceRequest] = []
    refused: list[tuple[ServiceRequest, str]] = []
    for request_obj in requests:
        try:
            if request_obj.state == S.REPORTED:
                accept_request(request_obj, by=by)
            if request_obj.state in (S.DISPATCHED, S.IN_PROGRESS):
                reassign_request(
                    request_obj,
                    by=by,
                    handler_org=handler_org,
                    handler_department=handler_department,
                    note=note,
                )
            else:
                dispatch_request(
                    request_obj,
                    by=by,
                    handler_org=handler_org,
                    handler_department=handler_department,
                    note=note,
                )
            done.append(request_obj)
        except RuleViolation as error:
            refused.append((request_obj, error.message))
    return done, refused


def approve_result(request_obj: ServiceRequest, *, by, note: str = "", now=None) -> ServiceRequest:
    """审核 passed → 办结: the resolution time, and the handling time in working hours, are fixed."""
    now = _now(now)

    def prepare(current: ServiceRequest) -> dict:
        hours = deadlines.working_hours_between(current.created_at, now) - current.suspended_working_hours
        return {"resolved_at": now, "handling_working_hours": max(hours, 0)}

    return _change(request_obj, "approve", by=by, to_state=S.RESOLVED, prepare=prepare, note=note, now=now)


def send_back(request_obj: ServiceRequest, *, by, reason: str, now=None) -> ServiceRequest:
    """审核 not passed: back to the handler, with the reason."""
    reason = _required(reason, "reason", gettext("the reason"))
    return _change(request_obj, "send_back", by=by, to_state=S.IN_PROGRESS, note=reason, now=now)


def suspend_request(request_obj: ServiceRequest, *, by, reason: str, now=None) -> ServiceRequest:
    """挂起: the clock stops until the request is resumed."""
    now = _now(now)
    reason = _required(reason, "reason", gettext("the reason"))
    return _change(
        request_obj,
        "suspend",
        by=by,
        to_state=S.SUSPENDED,
        prepare=lambda current: {"suspended_at": now, "state_before_suspension": current.state},
        note=reason,
        now=now,
    )


def resume_request(request_obj: ServiceRequest, *, by, note: str = "", now=None) -> ServiceRequest:
    """恢复: back to where it was; the deadline moves by the suspended time in its own unit."""
    now = _now(now)
    moved: dict = {}

    def prepare(current: ServiceRequest) -> dict:
        due = deadlines.extend_for_suspension(current.due_at, current.suspended_at, now, current.limit_unit)
        paused = deadlines.working_hours_between(current.suspended_at, now)
        moved.update({"due_at": [current.due_at, due]})
        return {
            "state": current.state_before_suspension or S.ACCEPTED,
            "state_before_suspension": "",
            "suspended_at": None,
            "due_at": due,
            "suspended_working_hours": current.suspended_working_hours + paused,
            "reminded_at": None,
        }

    request_obj = _change(request_obj, "resume", by=by, prepare=prepare, note=note, now=now, data=moved)
    return request_obj


def reopen_request(request_obj: ServiceRequest, *, by, reason: str, now=None) -> ServiceRequest:
    """重新打开: a resolved request is worked on again, with a new deadline from now."""
    now = _now(now)
    reason = _required(reason, "reason", gettext("the reason"))

    def prepare(current: ServiceRequest) -> dict:
        return {
            "resolved_at": None,
            "handling_working_hours": None,
            "due_at": deadlines.compute_due(now, current.limit_amount, current.limit_unit),
            "reopen_count": current.reopen_count + 1,
            "rating_level": "",
            "rating_is_bad": None,
            "rating_comment": "",
            "rated_at": None,
            "rating_invited_at": None,
            "reminded_at": None,
            "overdue_at": None,
            "escalated_at": None,
            "follow_up_state": FollowUpState.DONE
            if current.follow_up_state == FollowUpState.OPEN
            else current.follow_up_state,
            "handler_org": None,
            "handler_org_path": "",
            "handler_department": None,
            "assignee": None,
        }

    return _change(request_obj, "reopen", by=by, to_state=S.ACCEPTED, prepare=prepare, note=reason, now=now)


def record_follow_up(request_obj: ServiceRequest, *, by, note: str, now=None) -> ServiceRequest:
    """整改: the dispatcher records what was done about a 差评 (without reopening)."""
    note = _required(note, "note", gettext("what was done"))
    return _change(
        request_obj,
        "follow_up",
        by=by,
        fields={"follow_up_state": FollowUpState.DONE},
        note=note,
        now=now,
        check=_require_open_follow_up,
    )


def _require_open_follow_up(current: ServiceRequest) -> None:
    if current.follow_up_state != FollowUpState.OPEN:
        raise RuleViolation(gettext("There is no open follow-up on this request."), rule="follow_up.none")


def archive_request(
    request_obj: ServiceRequest, *, by=None, now=None, system: bool = False
) -> ServiceRequest:
    """归档: the request's file is closed (rated, resolved long ago, or not accepted)."""
    now = _now(now)
    return _change(
        request_obj,
        "archive",
        by=by,
        to_state=S.ARCHIVED,
        fields={"archived_at": now},
        now=now,
        system=system,
    )


def recategorize_request(
    request_obj: ServiceRequest, *, by, category: Category, note: str = "", now=None
) -> ServiceRequest:
    """Change the category; the deadline is recomputed by the new category's rule (both kept in the timeline)."""
    if category.numchild and Category.objects.get_children(category).filter(is_active=True).exists():
        raise RuleViolation(
            gettext("Please choose a specific category (a leaf of the category tree)."),
            rule="category.leaf",
            field="category",
        )
    record: dict = {}

    def prepare(current: ServiceRequest) -> dict:
        if current.category_id == category.pk:
            raise RuleViolation(gettext("The request is already in this category."), rule="recategorize.same")
        due = deadlines.compute_due(current.created_at, category.limit_amount, category.limit_unit)
        due = _reapply_suspensions(current, due, category.limit_unit)
        record.update(
            {
                "category": [current.category.name, category.name],
                "rule": [
                    f"{current.limit_amount} {TimeLimitUnit(current.limit_unit).label}",
                    f"{category.limit_amount} {TimeLimitUnit(category.limit_unit).label}",
                ],
                "due_at": [current.due_at, due],
            }
        )
        return {
            "category": category,
            "category_path": category.path,
            "limit_amount": category.limit_amount,
            "limit_unit": category.limit_unit,
            "service_mode": category.service_mode,
            "due_at": due,
            "reminded_at": None,
        }

    return _change(request_obj, "recategorize", by=by, prepare=prepare, note=note, data=record, now=now)


def _reapply_suspensions(current: ServiceRequest, due: datetime.datetime, unit: str) -> datetime.datetime:
    """Move a recomputed deadline by each finished 挂起 of the request, in the new unit."""
    started = None
    for event in current.events.filter(action__in=[RequestAction.SUSPEND, RequestAction.RESUME]).order_by(
        "created_at", "id"
    ):
        if event.action == RequestAction.SUSPEND:
            started = event.created_at
        elif started is not None:
            due = deadlines.extend_for_suspension(due, started, event.created_at, unit)
            started = None
    return due
