"""The handler's and supervisors' actions: start, 处置反馈, 退回, 督办, 吹哨 and 报到."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from dangjian.core import notifications
from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.scoping import scope_of
from dangjian.service import deadlines
from dangjian.service.choices import (
    OPEN_STATES,
    WhistleState,
)
from dangjian.service.models import (
    Department,
    DepartmentMember,
    ServiceRequest,
    WhistleCall,
)
from dangjian.service.services.common import (
    NOTIFY_SUPERVISED,
    NOTIFY_WHISTLE,
    _change,
    _notify_handler,
    _now,
    _required,
    _user,
)
from dangjian.service.services.rights import VIEW, S, is_department_user

# --- handler ------------------------------------------------------------------------------------------


def start_handling(request_obj: ServiceRequest, *, by, now=None) -> ServiceRequest:
    """处置中: a handler takes the dispatched request; two handlers at once → one succeeds."""
    return _change(request_obj, "start", by=by, to_state=S.IN_PROGRESS, fields={"assignee": by}, now=now)


def report_result(request_obj: ServiceRequest, *, by, resolution: str, now=None) -> ServiceRequest:
    """处置反馈: the handler reports what was done (photos through ``add_photo``), for 审核."""
    resolution = _required(resolution, "resolution", gettext("the result of handling"))
    return _change(
        request_obj,
        "feedback",
        by=by,
        to_state=S.FEEDBACK,
        fields={"resolution": resolution},
        note=resolution,
        now=now,
    )


def return_request(request_obj: ServiceRequest, *, by, reason: str, now=None) -> ServiceRequest:
    """退回: the handler gives the request back to the dispatcher (not theirs to handle), with the reason."""
    reason = _required(reason, "reason", gettext("the reason"))
    return _change(
        request_obj,
        "return",
        by=by,
        to_state=S.RETURNED,
        fields={"handler_org": None, "handler_org_path": "", "handler_department": None, "assignee": None},
        note=reason,
        now=now,
    )


# --- supervision ------------------------------------------------------------------------------------


# Its notices are written in the same transaction as the change (all or nothing).
@transaction.atomic
def supervise_request(request_obj: ServiceRequest, *, by, note: str = "", now=None) -> ServiceRequest:
    """督办: a superior flags the request; the handler is told."""
    now = _now(now)

    def check(current: ServiceRequest) -> None:
        if current.is_supervised:
            raise RuleViolation(gettext("This request is already supervised."), rule="supervise.already")

    request_obj = _change(
        request_obj,
        "supervise",
        by=by,
        fields={"is_supervised": True, "supervised_at": now},
        note=note,
        now=now,
        check=check,
    )
    _notify_handler(
        request_obj, gettext("A request you handle is supervised (督办): %(title)s"), NOTIFY_SUPERVISED, now
    )
    return request_obj


# Its notices are written in the same transaction as the change (all or nothing).
@transaction.atomic
def whistle_request(
    request_obj: ServiceRequest, *, by, department: Department, note: str = "", now=None
) -> WhistleCall:
    """吹哨: call a department to the request; it must 报到 within its limit."""
    now = _now(now)
    note = _required(note, "note", gettext("the reason for calling the department"))
    if not department.is_active:
        raise RuleViolation(gettext("This department is no longer active."), rule="whistle.department")
    due = deadlines.compute_due(now, department.report_limit_amount, department.report_limit_unit)
    calls: list[WhistleCall] = []

    def check(current: ServiceRequest) -> None:
        if current.whistles.filter(department=department, state=WhistleState.CALLED).exists():
            raise RuleViolation(
                gettext("This department has already been called and has not reported yet."),
                rule="whistle.pending",
            )
        calls.append(
            WhistleCall.objects.create(
                request=current,
                department=department,
                note=note,
                called_by=by,
                called_at=now,
                report_due_at=due,
            )
        )

    with transaction.atomic():
        _change(
            request_obj,
            "whistle",
            by=by,
            note=note,
            data={"department": department.name, "report_due_at": due},
            now=now,
            check=check,
        )
    for user_id in DepartmentMember.objects.filter(department=department).values_list("user_id", flat=True):
        notifications.notify(
            kind=NOTIFY_WHISTLE,
            title=gettext("吹哨: %(department)s is called to request %(code)s")
            % {
                "department": department.name,
                "code": request_obj.tracking_code,
            },
            body=note,
            link=reverse("service:request_detail", args=[request_obj.pk]),
            user=_user(user_id),
            permission=VIEW,
            obj=request_obj,
            dedupe_key=f"service-whistle:{calls[0].pk}:{user_id}",
        )
    return calls[0]


def report_to_whistle(call: WhistleCall, *, by, note: str = "", now=None) -> WhistleCall:
    """报到: the called department reports and becomes the request's handler."""
    now = _now(now)
    with transaction.atomic():
        locked = WhistleCall.objects.select_for_update().get(pk=call.pk)
        if locked.state == WhistleState.REPORTED:
            raise RuleViolation(gettext("The department has already reported."), rule="whistle_report.state")
        if not (is_department_user(by, locked.department_id) or scope_of(by).is_global):
            raise PermissionDenied(
                gettext("Only the called department's users can report (报到)."),
                rule="whistle_report.permission",
            )
        request_obj = locked.request
        if request_obj.state not in OPEN_STATES or request_obj.state in (S.REPORTED, S.FEEDBACK, S.SUSPENDED):
            raise RuleViolation(
                gettext("The request is “%(state)s” now; reporting is no longer needed.")
                % {"state": request_obj.get_state_display()},
                rule="whistle_report.request_state",
            )
        WhistleCall.objects.filter(pk=locked.pk).update(
            state=WhistleState.REPORTED, reported_at=now, reported_by=by
        )
        _change(
            request_obj,
            "whistle_report",
            by=by,
            to_state=S.DISPATCHED,
            fields={
                "handler_org": None,
                "handler_org_path": "",
                "handler_department": locked.department,
                "assignee": by,
                "dispatched_at": now,
            },
            note=note,
            data={"department": locked.department.name, "on_time": now <= locked.report_due_at},
            now=now,
        )
    locked.refresh_from_db()
    return locked
