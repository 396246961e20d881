"""Who may take which action on a request, from which states (``ACTIONS``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.service.choices import (
    DONE_STATES,
    OPEN_STATES,
    FollowUpState,
    RequestState,
)
from dangjian.service.models import (
    DepartmentMember,
    ServiceRequest,
)

DISPATCH = "service.dispatch_request"
HANDLE = "service.handle_request"
SUPERVISE = "service.supervise_request"
REGISTER = "service.add_servicerequest"
VIEW = "service.view_servicerequest"


@dataclass(frozen=True)
class Action:
    """Who may take an action (``role``: dispatch, handle, supervise, department) from which states."""

    name: str
    from_states: tuple[str, ...]
    role: str


S = RequestState
ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("place", (S.REPORTED,), "dispatch"),
        Action("accept", (S.REPORTED,), "dispatch"),
        Action("reject", (S.REPORTED,), "dispatch"),
        Action("dispatch", (S.ACCEPTED, S.RETURNED), "dispatch"),
        Action("reassign", (S.DISPATCHED, S.IN_PROGRESS), "dispatch"),
        Action("start", (S.DISPATCHED,), "handle"),
        Action("feedback", (S.IN_PROGRESS,), "handle"),
        Action("return", (S.DISPATCHED, S.IN_PROGRESS), "handle"),
        Action("approve", (S.FEEDBACK,), "dispatch"),
        Action("send_back", (S.FEEDBACK,), "dispatch"),
        Action("suspend", (S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED), "dispatch"),
        Action("resume", (S.SUSPENDED,), "dispatch"),
        Action("reopen", (S.RESOLVED, S.RATED), "dispatch"),
        Action("archive", (S.RESOLVED, S.RATED, S.REJECTED), "dispatch"),
        Action("recategorize", OPEN_STATES, "dispatch"),
        Action("supervise", OPEN_STATES, "supervise"),
        Action("whistle", (S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED), "supervise"),
        Action("visit", OPEN_STATES + DONE_STATES, "staff"),
        Action("photo", OPEN_STATES, "staff"),
        Action("comment", OPEN_STATES + DONE_STATES, "staff"),
        Action("follow_up", (S.RESOLVED, S.RATED, S.ARCHIVED), "dispatch"),
    )
}


# --- who may act --------------------------------------------------------------------------------


def is_department_user(user, department_id: int | None) -> bool:
    if department_id is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    return DepartmentMember.objects.filter(user=user, department_id=department_id).exists()


def may_dispatch(user, request_obj: ServiceRequest) -> bool:
    return scope_of(user).has_perm(
        DISPATCH, org_path=request_obj.org_path or None, area_path=request_obj.area_path or None
    )


def may_handle(user, request_obj: ServiceRequest) -> bool:
    """The handler organization's staff (or of its jurisdiction) or the handler department's users."""
    if request_obj.handler_department_id is not None:
        return is_department_user(user, request_obj.handler_department_id) or scope_of(user).is_global
    if request_obj.handler_org_id is None:
        return False
    jurisdiction = request_obj.handler_org.jurisdiction if request_obj.handler_org.jurisdiction_id else None
    return scope_of(user).has_perm(
        HANDLE,
        org_path=request_obj.handler_org_path or None,
        area_path=jurisdiction.path if jurisdiction is not None else None,
    )


def may_supervise(user, request_obj: ServiceRequest) -> bool:
    return scope_of(user).has_perm(
        SUPERVISE, org_path=request_obj.org_path or None, area_path=request_obj.area_path or None
    )


def may_see(user, request_obj: ServiceRequest) -> bool:
    return ServiceRequest.objects.visible_to(user).filter(pk=request_obj.pk).exists()


def may(user, action: str, request_obj: ServiceRequest) -> bool:
    """Whether ``user`` may take ``action`` on the request now (its state and their right)."""
    spec = ACTIONS[action]
    if request_obj.state not in spec.from_states:
        return False
    if action == "follow_up" and request_obj.follow_up_state != FollowUpState.OPEN:
        return False
    # 待定位: placed in a grid first, accepted by that grid's dispatchers after.
    if action == "place" and not request_obj.awaiting_location:
        return False
    if action == "accept" and request_obj.awaiting_location:
        return False
    return _has_role(user, spec.role, request_obj)


def available_actions(user, request_obj: ServiceRequest) -> list[str]:
    """The actions to offer on the request page, in ``ACTIONS`` order."""
    return [name for name in ACTIONS if may(user, name, request_obj)]


def _has_role(user, role: str, request_obj: ServiceRequest) -> bool:
    if role == "dispatch":
        return may_dispatch(user, request_obj)
    if role == "handle":
        return may_handle(user, request_obj)
    if role == "supervise":
        return may_supervise(user, request_obj)
    if role == "staff":
        return (
            may_dispatch(user, request_obj)
            or may_handle(user, request_obj)
            or (scope_of(user).has_perm(REGISTER, org_path=None, area_path=request_obj.area_path or None))
        )
    return False


def _deny(action: str) -> PermissionDenied:
    messages = {
        "dispatch": gettext("Only the dispatchers of this request's community or street can do this."),
        "handle": gettext("Only the handler this request is dispatched to can do this."),
        "supervise": gettext("Only a supervising organization can supervise or blow the whistle."),
        "staff": gettext("You do not have permission to do this within this scope."),
    }
    return PermissionDenied(messages[ACTIONS[action].role], rule=f"{action}.permission")
