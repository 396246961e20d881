"""What every request action shares: the locked, version-checked change with its timeline event and audit line, routing, and notifying the handler."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit, notifications
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.service import deadlines, figures
from dangjian.service.choices import (
    RequestAction,
)
from dangjian.service.models import (
    Category,
    Department,
    DepartmentMember,
    RequestEvent,
    RoutingRule,
    ServiceRequest,
)
from dangjian.service.services.rights import ACTIONS, VIEW, _deny, _has_role

# Notification kinds (the inbox groups by them).
NOTIFY_REMINDER = "service.reminder"
NOTIFY_OVERDUE = "service.overdue"
NOTIFY_SUPERVISED = "service.supervised"
NOTIFY_WHISTLE = "service.whistle"
NOTIFY_BAD_RATING = "service.bad_rating"
NOTIFY_DISPATCHED = "service.dispatched"

SYSTEM_NAME = "系统"
RESIDENT_NAME = "居民"

# Tracking codes: no 0/O, 1/I/L, so a resident can read one out over the phone.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 10


# --- small helpers --------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def actor_name(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return (user.get_full_name() or user.get_username())[:64]


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def responsible_org(area: Area) -> Organization | None:
    """The party organization answering for an area: the community's, else the nearest one above."""
    prefixes = [area.path[:end] for end in range(area.steplen, len(area.path) + 1, area.steplen)]
    candidates = list(
        Organization.objects.filter(jurisdiction__path__in=prefixes, is_active=True)
        .select_related("jurisdiction")
        .order_by("-jurisdiction__depth", "depth", "path")
    )
    for org in candidates:
        if org.jurisdiction.kind == AreaKind.COMMUNITY:
            return org
    return candidates[0] if candidates else None


def route_for(category: Category, area: Area) -> tuple[Organization | None, Department | None]:
    """The handler a routing rule or the category's default names (deepest area, then category)."""
    area_prefixes = [area.path[:end] for end in range(area.steplen, len(area.path) + 1, area.steplen)]
    category_prefixes = [
        category.path[:end] for end in range(category.steplen, len(category.path) + 1, category.steplen)
    ]
    rule = (
        RoutingRule.objects.filter(
            is_active=True, area__path__in=area_prefixes, category__path__in=category_prefixes
        )
        .select_related("handler_org", "handler_department")
        .order_by("-area__depth", "-category__depth")
        .first()
    )
    if rule is not None:
        return rule.handler_org, rule.handler_department
    for ancestor in Category.objects.filter(path__in=category_prefixes).order_by("-depth"):
        if ancestor.default_handler_org_id or ancestor.default_handler_department_id:
            return ancestor.default_handler_org, ancestor.default_handler_department
    return None, None


def due_for(category: Category, start: datetime.datetime) -> datetime.datetime:
    return deadlines.compute_due(start, category.limit_amount, category.limit_unit)


def _event(
    request_obj: ServiceRequest,
    action: str,
    *,
    by=None,
    by_name: str = "",
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
    now: datetime.datetime,
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request_obj,
        action=action,
        from_state=from_state,
        to_state=to_state,
        by=by if getattr(by, "is_authenticated", False) else None,
        by_name=by_name or actor_name(by) or SYSTEM_NAME,
        note=note,
        data=audit._plain(data or {}),
        created_at=now,
    )


def _state_refusal(action: str, current: ServiceRequest) -> RuleViolation:
    last = current.events.order_by("-created_at", "-id").first()
    who = last.by_name if last is not None else ""
    message = gettext(
        "This request is now “%(state)s”%(who)s; the action “%(action)s” is not possible from that state. "
        "Reload the page to see the latest."
    ) % {
        "state": current.get_state_display(),
        "who": (gettext(" (by %(name)s)") % {"name": who}) if who else "",
        "action": RequestAction(action).label if action in RequestAction.values else action,
    }
    return RuleViolation(message, rule=f"{action}.state")


def _change(
    request_obj: ServiceRequest,
    action: str,
    *,
    by,
    to_state: str | None = None,
    fields: dict | None = None,
    note: str = "",
    data: dict | None = None,
    now: datetime.datetime | None = None,
    check: Callable[[ServiceRequest], None] | None = None,
    prepare: Callable[[ServiceRequest], dict] | None = None,
    by_name: str = "",
    system: bool = False,
    event_action: str | None = None,
) -> ServiceRequest:
    """Apply one action atomically: lock, check state and right, conditional update, event, audit."""
    now = _now(now)
    spec = ACTIONS.get(action)
    with transaction.atomic():
        current = (
            # of=self: PostgreSQL cannot lock the nullable side of the handler's outer join.
            ServiceRequest.objects.select_for_update(of=("self",))
            .select_related("handler_org__jurisdiction")
            .get(pk=request_obj.pk)
        )
        if spec is not None:
            if current.state not in spec.from_states:
                raise _state_refusal(action, current)
            if not system and not _has_role(by, spec.role, current):
                raise _deny(action)
        if check is not None:
            check(current)
        changes = dict(fields or {})
        if prepare is not None:
            changes.update(prepare(current))
        from_state = current.state
        if to_state is not None:
            changes["state"] = to_state
        before = {name: getattr(current, name) for name in changes}
        figures_before = figures.contribution(current)
        updated = ServiceRequest.objects.filter(pk=current.pk, version=current.version).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        if updated != 1:
            raise ConcurrentChange(
                gettext("Someone changed this request at the same moment; reload the page and try again."),
                rule="version",
            )
        current.refresh_from_db()
        figures.update_rollup(figures_before, current)
        _event(
            current,
            event_action or action,
            by=by,
            by_name=by_name,
            from_state=from_state,
            to_state=current.state if to_state is not None or current.state != from_state else "",
            note=note,
            data=data,
            now=now,
        )
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by if getattr(by, "is_authenticated", False) else None,
            username="" if getattr(by, "is_authenticated", False) else (by_name or SYSTEM_NAME),
            changes={name: [before[name], changes[name]] for name in changes},
            note=f"service.{event_action or action}" + (f": {note}" if note else ""),
        )
    # The caller's object follows the change (pages and tests hold on to it); cached related
    # objects are taken over too, so a stale handler or category is never read from it.
    request_obj.__dict__.update(
        {key: value for key, value in current.__dict__.items() if not key.startswith("_")}
    )
    request_obj._state.fields_cache = dict(current._state.fields_cache)
    return current


def _required(text: str, field: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RuleViolation(gettext("Please give %(what)s.") % {"what": what}, rule="required", field=field)
    return text


def _user(user_id: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user_id)


def _notify_handler(request_obj: ServiceRequest, template: str, kind: str, now: datetime.datetime) -> None:
    """Tell the current handler: the department's users, or the handler organization's office."""
    title = template % {
        "title": request_obj.title or request_obj.tracking_code,
        "code": request_obj.tracking_code,
        "due": timezone.localtime(request_obj.due_at).strftime("%Y-%m-%d %H:%M"),
    }
    link = reverse("service:request_detail", args=[request_obj.pk])
    stamp = f"{kind}:{request_obj.pk}:{request_obj.version}"
    if request_obj.handler_department_id is not None:
        for user_id in DepartmentMember.objects.filter(
            department_id=request_obj.handler_department_id
        ).values_list("user_id", flat=True):
            notifications.notify(
                kind=kind,
                title=title,
                link=link,
                user=_user(user_id),
                permission=VIEW,
                obj=request_obj,
                dedupe_key=f"{stamp}:{user_id}",
            )
    elif request_obj.handler_org_id is not None:
        notifications.notify(
            kind=kind,
            title=title,
            link=link,
            org=request_obj.handler_org,
            permission=VIEW,
            obj=request_obj,
            dedupe_key=stamp,
        )
