"""State changes of service requests (为民服务): one function per action users name, in modules by who acts.

Who may act, from which state (``ACTIONS``):

- **dispatchers** — ``service.dispatch_request`` over the request's area or responsible
  organization (社区/街道 staff): 定位 (a request 待定位 into its grid), 受理, 不予受理, 分派/改派, 审核 (pass or send back), 挂起/恢复,
  重新打开, 整改 follow-up, 归档, re-categorize;
- **handlers** — ``service.handle_request`` over the handler organization (or its jurisdiction),
  or membership of the handler department: start, report the result (处置反馈), 退回;
- **supervisors** — ``service.supervise_request``: 督办 and 吹哨; a department's users 报到;
- **residents** rate through the portal with a proof sent to their phone (``rating``), and the
  **system** (tasks) reminds,
  marks overdue, escalates, invites ratings and archives.

Every change locks the request, checks its state and the actor's right inside the transaction,
writes the change with a conditional ``UPDATE … WHERE version = n`` (safe on SQLite as well as
PostgreSQL), a timeline event and an audit line. Two people acting at once: the second finds the
state already changed and gets a message naming who acted.

Modules: ``rights`` (who may act), ``common`` (the shared locked change, timeline, routing,
notices), ``intake`` (上报), ``dispatching`` (定位 included), ``handling`` (handlers, 督办, 吹哨),
``rating`` (评价 and its proofs), ``records`` (visits, comments, photos) and ``system`` (the background tasks' steps). Callers import this package.
"""

from __future__ import annotations

from dangjian.service.services.common import (
    NOTIFY_BAD_RATING,
    NOTIFY_DISPATCHED,
    NOTIFY_OVERDUE,
    NOTIFY_REMINDER,
    NOTIFY_SUPERVISED,
    NOTIFY_WHISTLE,
    RESIDENT_NAME,
    SYSTEM_NAME,
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    actor_name,
    due_for,
    new_tracking_code,
    responsible_org,
    route_for,
)
from dangjian.service.services.dispatching import (
    accept_request,
    approve_result,
    archive_request,
    bulk_dispatch,
    dispatch_request,
    place_request,
    reassign_request,
    recategorize_request,
    record_follow_up,
    reject_request,
    reopen_request,
    resume_request,
    send_back,
    suspend_request,
)
from dangjian.service.services.handling import (
    report_result,
    report_to_whistle,
    return_request,
    start_handling,
    supervise_request,
    whistle_request,
)
from dangjian.service.services.intake import client_key_for, submit_request
from dangjian.service.services.rating import (
    TooManyAttempts,
    holds_staff_role,
    issue_rating_link,
    rate_request,
    rating_url,
    send_rating_code,
)
from dangjian.service.services.records import add_comment, add_photo, log_visit, rating_levels
from dangjian.service.services.rights import (
    ACTIONS,
    DISPATCH,
    HANDLE,
    REGISTER,
    SUPERVISE,
    VIEW,
    Action,
    S,
    available_actions,
    is_department_user,
    may,
    may_dispatch,
    may_handle,
    may_see,
    may_supervise,
)
from dangjian.service.services.system import (
    invite_rating,
    mark_overdue,
    mark_whistle_overdue,
    send_deadline_reminder,
)

__all__ = [
    "ACTIONS",
    "DISPATCH",
    "HANDLE",
    "NOTIFY_BAD_RATING",
    "NOTIFY_DISPATCHED",
    "NOTIFY_OVERDUE",
    "NOTIFY_REMINDER",
    "NOTIFY_SUPERVISED",
    "NOTIFY_WHISTLE",
    "REGISTER",
    "RESIDENT_NAME",
    "SUPERVISE",
    "SYSTEM_NAME",
    "TRACKING_ALPHABET",
    "TRACKING_LENGTH",
    "VIEW",
    "Action",
    "S",
    "TooManyAttempts",
    "accept_request",
    "actor_name",
    "add_comment",
    "add_photo",
    "approve_result",
    "archive_request",
    "available_actions",
    "bulk_dispatch",
    "client_key_for",
    "dispatch_request",
    "due_for",
    "holds_staff_role",
    "invite_rating",
    "is_department_user",
    "issue_rating_link",
    "log_visit",
    "mark_overdue",
    "mark_whistle_overdue",
    "may",
    "may_dispatch",
    "may_handle",
    "may_see",
    "may_supervise",
    "new_tracking_code",
    "place_request",
    "rate_request",
    "rating_levels",
    "rating_url",
    "reassign_request",
    "recategorize_request",
    "record_follow_up",
    "reject_request",
    "reopen_request",
    "report_result",
    "report_to_whistle",
    "responsible_org",
    "resume_request",
    "return_request",
    "route_for",
    "send_back",
    "send_deadline_reminder",
    "send_rating_code",
    "start_handling",
    "submit_request",
    "supervise_request",
    "suspend_request",
    "whistle_request",
]
