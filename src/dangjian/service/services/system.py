"""Steps the background tasks take: deadline reminders, overdue marking and escalation, 报到 deadlines, rating invitations."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit, notifications
from dangjian.core.choices import AuditAction
from dangjian.orgs.models import Organization
from dangjian.service.choices import (
    OPEN_STATES,
    RequestAction,
    WhistleState,
)
from dangjian.service.models import (
    ServiceRequest,
    WhistleCall,
)
from dangjian.service.services.common import (
    NOTIFY_OVERDUE,
    NOTIFY_REMINDER,
    NOTIFY_WHISTLE,
    SYSTEM_NAME,
    _event,
    _notify_handler,
    _now,
)
from dangjian.service.services.rights import VIEW, S

# --- system (tasks) -------------------------------------------------------------------------------


# Its notices are written in the same transaction as the change (all or nothing).
@transaction.atomic
def send_deadline_reminder(request_obj: ServiceRequest, *, now=None) -> bool:
    """Remind the handler once before the deadline; False when already reminded or not due soon."""
    now = _now(now)
    window = datetime.timedelta(hours=settings.SERVICE_REMIND_BEFORE_HOURS)
    # The claim, its timeline line and its audit line are one transaction.
    with transaction.atomic():
        claimed = ServiceRequest.objects.filter(
            pk=request_obj.pk,
            state__in=[S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED],
            reminded_at__isnull=True,
            due_at__gt=now,
            due_at__lte=now + window,
        ).update(reminded_at=now)
        if not claimed:
            return False
        request_obj.refresh_from_db()
        _event(request_obj, RequestAction.REMIND, now=now, data={"due_at": request_obj.due_at})
        audit.record(
            AuditAction.UPDATE,
            request_obj,
            username=SYSTEM_NAME,
            changes={"reminded_at": [None, now]},
            note="service.remind",
        )
    _notify_handler(
        request_obj, gettext("Due soon: request %(code)s must be resolved by %(due)s"), NOTIFY_REMINDER, now
    )
    return True


# Its notices are written in the same transaction as the change (all or nothing).
@transaction.atomic
def mark_overdue(request_obj: ServiceRequest, *, now=None) -> bool:
    """Overdue: flag the request once and escalate it to the superior of the responsible organization."""
    now = _now(now)
    with transaction.atomic():
        claimed = ServiceRequest.objects.filter(
            pk=request_obj.pk,
            state__in=[s for s in OPEN_STATES if s != S.SUSPENDED],
            overdue_at__isnull=True,
            due_at__lt=now,
        ).update(overdue_at=now, escalated_at=now)
        if not claimed:
            return False
        request_obj.refresh_from_db()
        superior = Organization.objects.get_parent(request_obj.org) if request_obj.org_id else None
        _event(request_obj, RequestAction.OVERDUE, now=now, data={"due_at": request_obj.due_at})
        if superior is not None:
            _event(request_obj, RequestAction.ESCALATE, now=now, data={"to": superior.name})
        audit.record(
            AuditAction.UPDATE,
            request_obj,
            username=SYSTEM_NAME,
            changes={"overdue_at": [None, now]},
            note="service.overdue",
        )
    link = reverse("service:request_detail", args=[request_obj.pk])
    title = gettext("Overdue: request %(code)s was due %(due)s") % {
        "code": request_obj.tracking_code,
        "due": timezone.localtime(request_obj.due_at).strftime("%Y-%m-%d %H:%M"),
    }
    for org in filter(None, [request_obj.org, superior]):
        notifications.notify(
            kind=NOTIFY_OVERDUE,
            title=title,
            link=link,
            org=org,
            permission=VIEW,
            obj=request_obj,
            dedupe_key=f"service-overdue:{request_obj.pk}:{org.pk}:{request_obj.reopen_count}",
        )
    return True


# Its notices are written in the same transaction as the change (all or nothing).
@transaction.atomic
def mark_whistle_overdue(call: WhistleCall, *, now=None) -> bool:
    """A called department did not 报到 in time: flag it once on the request's timeline."""
    now = _now(now)
    with transaction.atomic():
        claimed = WhistleCall.objects.filter(
            pk=call.pk, state=WhistleState.CALLED, report_due_at__lt=now
        ).update(state=WhistleState.OVERDUE)
        if not claimed:
            return False
        call.refresh_from_db()
        _event(
            call.request, RequestAction.WHISTLE_OVERDUE, now=now, data={"department": call.department.name}
        )
        audit.record(
            AuditAction.UPDATE,
            call.request,
            username=SYSTEM_NAME,
            changes={"whistle": [call.department.name, "overdue"]},
            note="service.whistle_overdue",
        )
    if call.request.org_id:
        notifications.notify(
            kind=NOTIFY_WHISTLE,
            title=gettext("%(department)s did not report (报到) in time for request %(code)s")
            % {"department": call.department.name, "code": call.request.tracking_code},
            link=reverse("service:request_detail", args=[call.request_id]),
            org=call.request.org,
            permission=VIEW,
            obj=call.request,
            dedupe_key=f"service-whistle-overdue:{call.pk}",
        )
    return True


def invite_rating(request_obj: ServiceRequest, *, now=None) -> bool:
    """Invite the resident to rate, once, a few days after 办结 (through the SMS backend when a phone is known)."""
    now = _now(now)
    with transaction.atomic():
        claimed = ServiceRequest.objects.filter(
            pk=request_obj.pk, state=S.RESOLVED, rating_invited_at__isnull=True
        ).update(rating_invited_at=now)
        if not claimed:
            return False
        request_obj.refresh_from_db()
        _event(request_obj, RequestAction.RATING_INVITED, now=now)
        audit.record(
            AuditAction.UPDATE,
            request_obj,
            username=SYSTEM_NAME,
            changes={"rating_invited_at": [None, now]},
            note="service.rating_invited",
        )
    if request_obj.contact_phone:
        from dangjian.service.services.rating import issue_rating_link, rating_url
        from dangjian.service.sms import send_sms

        # The link carries a one-time token only this phone receives: it is the resident's proof.
        token = issue_rating_link(request_obj, now=now)
        send_sms(
            request_obj.contact_phone.clear(),
            gettext(
                "Your request %(code)s has been resolved. Please rate the service (this link is for "
                "you alone and works once): %(link)s"
            )
            % {"code": request_obj.tracking_code, "link": rating_url(request_obj, token)},
        )
    return True
