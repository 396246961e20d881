"""State changes of the leader mailbox: writing, assignment, the answer, closing, the writer's rating,
publication with personal details removed, turning a message into a service request, and the
overdue flag with its escalation.

Who may do what:

- anyone writes: a resident on the portal with a verified phone, a signed-in user from their pages;
- staff with ``assign_message`` over the message's organization assign it to a staff user of that
  organization or one below it (who holds ``change_message`` there), publish and close it, and
  turn it into a service request;
- the assignee, or staff with ``assign_message`` over the message, answer it.

Each function checks the permission and the rules (``RuleViolation``), claims the row with a
conditional ``UPDATE … WHERE version = n`` (two people acting at once: the second is told), and
writes the change and its audit line in one transaction. The deadline and the overdue sweep are the
platform's one mechanism (``core.deadlines``), shared with service requests.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.accounts.models import RoleAssignment, User
from dangjian.core import audit, notifications
from dangjian.core.choices import AuditAction, TimeLimitUnit
from dangjian.core.deadlines import compute_due, past_due
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.redaction import redact
from dangjian.core.scoping import check_perm, has_perm_over
from dangjian.mailbox.choices import OPEN_STATES, MessageSource, MessageState
from dangjian.mailbox.models import Mailbox, Message
from dangjian.orgs.models import Area, Organization

VIEW = "mailbox.view_message"
ANSWER = "mailbox.change_message"
ASSIGN = "mailbox.assign_message"
CHANGE_MAILBOX = "mailbox.change_mailbox"
ADD_MAILBOX = "mailbox.add_mailbox"
NOTICE_ASSIGNED = "mailbox.assigned"
NOTICE_OVERDUE = "mailbox.overdue"
SYSTEM_NAME = "system"
# Letters and digits that cannot be mistaken for one another when read out or typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_SUBJECT = 100
MAX_TEXT = 3000
REDACTED_NAME = "**"


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _required(value: str | None, field: str, what: str, limit: int) -> str:
    value = _text(value)
    if not value:
        raise RuleViolation(
            gettext("Please give %(what)s.") % {"what": what}, rule=f"{field}.required", field=field
        )
    if len(value) > limit:
        raise RuleViolation(
            gettext("At most %(count)s characters, please.") % {"count": limit},
            rule=f"{field}.length",
            field=field,
        )
    return value


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def due_for(mailbox: Mailbox, start: datetime.datetime) -> datetime.datetime:
    """The answer is due at the end of the mailbox's N-th working day after the message arrived
    (the calendar's holidays and 调休 make-up days counted, as for service requests)."""
    return compute_due(start, mailbox.answer_days, TimeLimitUnit.WORKING_DAYS)


def _claim(message: Message, version: int | None, states, **changes) -> Message:
    """Change the row only if it is still in one of ``states`` (and at ``version`` when given)."""
    where = Q(pk=message.pk, state__in=list(states))
    if version is not None:
        where &= Q(version=version)
    updated = Message.objects.filter(where).update(version=F("version") + 1, **changes)
    if updated != 1:
        raise ConcurrentChange(
            gettext("This message was changed by someone else meanwhile; please look at it again.")
        )
    message.refresh_from_db()
    return message


# --- writing ------------------------------------------------------------------------------------


def open_mailboxes():
    return (
        Mailbox.objects.filter(is_open=True, org__is_active=True).select_related("org").order_by("org__path")
    )


def write_message(
    *,
    mailbox: Mailbox,
    subject: str,
    text: str,
    source: str,
    area: Area | None = None,
    writer_name: str = "",
    writer_phone: str = "",
    phone_verified: bool = False,
    agrees_to_publish: bool = False,
    notify_by_sms: bool = False,
    by=None,
    now: datetime.datetime | None = None,
) -> Message:
    """写信: record a message to an open mailbox, with its tracking code and its answer deadline."""
    now = _now(now)
    if not mailbox.is_open:
        raise RuleViolation(
            gettext("This mailbox does not take messages now."), rule="mailbox.closed", field="mailbox"
        )
    subject = _required(subject, "subject", gettext("a subject"), MAX_SUBJECT)
    text = _required(text, "text", gettext("your message"), MAX_TEXT)
    signed_in = getattr(by, "is_authenticated", False)
    if source == MessageSource.PORTAL and not (writer_phone and phone_verified):
        raise RuleViolation(
            gettext("Please verify your mobile number with the code sent to it."),
            rule="phone.verified",
            field="code",
        )
    if source == MessageSource.MEMBER and not signed_in:
        raise PermissionDenied(gettext("Please sign in to write as a member."), rule="writer.signed_in")
    message = Message(
        mailbox=mailbox,
        org=mailbox.org,
        org_path=mailbox.org.path,
        area=area,
        source=source,
        subject=subject,
        text=text,
        writer_name=_text(writer_name)[:64],
        phone_verified=phone_verified,
        writer=by if signed_in else None,
        agrees_to_publish=agrees_to_publish,
        notify_by_sms=notify_by_sms and bool(writer_phone),
        created_at=now,
        due_at=due_for(mailbox, now),
    )
    message.writer_phone = writer_phone
    with transaction.atomic():
        for _attempt in range(5):
            message.tracking_code = new_tracking_code()
            try:
                with transaction.atomic():
                    message.save()
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - 32**10 codes
            raise RuntimeError("could not find a free tracking code")
        audit.record(
            AuditAction.CREATE,
            message,
            by=by if signed_in else None,
            username="" if signed_in else gettext("Resident"),
            note="mailbox.write",
        )
    return message


# --- assignment and answer ----------------------------------------------------------------------


def assignable_users(message: Message):
    """Staff users who may answer in the message's organization or one below it (active grants)."""
    user_ids = RoleAssignment.objects.filter(
        is_active=True,
        org__path__startswith=message.org_path,
        role__permissions__codename="change_message",
        role__permissions__content_type__app_label="mailbox",
    ).values("user_id")
    return User.objects.filter(pk__in=user_ids, is_active=True).order_by("username")


def assign_message(
    message: Message, *, assignee: User, by, version: int | None = None, now: datetime.datetime | None = None
) -> Message:
    """交办: give the message to a staff user of its organization or one below it (again: reassign)."""
    now = _now(now)
    check_perm(by, ASSIGN, message)
    if not assignable_users(message).filter(pk=assignee.pk).exists():
        raise RuleViolation(
            gettext("Assign to a staff member of this organization or one below it who may answer messages."),
            rule="assignee.scope",
            field="assignee",
        )
    before = message.assignee.username if message.assignee_id else ""
    with transaction.atomic():
        _claim(message, version, OPEN_STATES, assignee=assignee, assigned_at=now, state=MessageState.ASSIGNED)
        audit.record(
            AuditAction.UPDATE,
            message,
            by=by,
            changes={"assignee": [before, assignee.username], "state": [None, MessageState.ASSIGNED]},
            note="mailbox.assign",
        )
        notifications.notify(
            kind=NOTICE_ASSIGNED,
            title=gettext("Mailbox message %(code)s was assigned to you: %(subject)s")
            % {"code": message.tracking_code, "subject": message.subject},
            link=reverse("mailbox:message_detail", args=[message.pk]),
            user=assignee,
            obj=message,
            dedupe_key=f"mailbox-assigned:{message.pk}:{assignee.pk}:{message.version}",
        )
    return message


def may_answer(user, message: Message) -> bool:
    if not message.is_open:
        return False
    if message.assignee_id and message.assignee_id == getattr(user, "pk", None):
        return True
    return has_perm_over(user, ASSIGN, message)


def answer_message(
    message: Message, *, answer: str, by, version: int | None = None, now: datetime.datetime | None = None
) -> Message:
    """答复: the assignee (or staff who assign) answers; the writer reads it by the tracking code and,
    if they asked, gets a text message that an answer is there (never the answer itself)."""
    now = _now(now)
    if not may_answer(by, message):
        if not message.is_open:
            raise RuleViolation(gettext("This message was already answered."), rule="message.answered")
        raise PermissionDenied(
            gettext("Only the assignee or staff who assign messages may answer."), rule="answer.who"
        )
    answer = _required(answer, "answer", gettext("the answer"), MAX_TEXT)
    with transaction.atomic():
        _claim(
            message,
            version,
            OPEN_STATES,
            answer=answer,
            answered_at=now,
            answered_by_name=by.get_full_name() or by.username,
            state=MessageState.ANSWERED,
        )
        audit.record(
            AuditAction.UPDATE,
            message,
            by=by,
            changes={"state": [None, MessageState.ANSWERED]},
            note="mailbox.answer",
        )
        if message.notify_by_sms and message.writer_phone:
            phone = message.writer_phone.clear()
            transaction.on_commit(lambda: _send_answered_sms(phone, message.tracking_code))
    return message


def _send_answered_sms(phone: str, code: str) -> None:
    from dangjian.service.sms import send_sms

    send_sms(
        phone,
        gettext("Your message to the mailbox was answered; look it up on the portal with the code %(code)s.")
        % {"code": code},
    )


def close_message(
    message: Message, *, by, version: int | None = None, now: datetime.datetime | None = None
) -> Message:
    """办结: an answered message is closed (it changes no more, but may still be published)."""
    now = _now(now)
    check_perm(by, ASSIGN, message)
    with transaction.atomic():
        _claim(message, version, [MessageState.ANSWERED], state=MessageState.CLOSED, closed_at=now)
        audit.record(
            AuditAction.UPDATE,
            message,
            by=by,
            changes={"state": [MessageState.ANSWERED, MessageState.CLOSED]},
            note="mailbox.close",
        )
    return message


def rate_message(
    message: Message, *, rating: int, comment: str = "", now: datetime.datetime | None = None
) -> Message:
    """The writer rates the answer once (1–5), with the tracking code as proof."""
    if message.state not in (MessageState.ANSWERED, MessageState.CLOSED):
        raise RuleViolation(
            gettext("The message has no answer to rate yet."), rule="rating.unanswered", field="rating"
        )
    if not 1 <= int(rating) <= 5:
        raise RuleViolation(gettext("Please choose from 1 to 5 stars."), rule="rating.range", field="rating")
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, rating__isnull=True).update(
            rating=int(rating), rating_comment=_text(comment)[:500], version=F("version") + 1
        )
        if updated != 1:
            raise RuleViolation(gettext("The answer was already rated."), rule="rating.once", field="rating")
        message.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            message,
            username=gettext("Resident"),
            changes={"rating": [None, message.rating]},
            note="mailbox.rate",
        )
    return message


# --- publication ----------------------------------------------------------------------------------


def remove_personal_details(message: Message, text: str) -> str:
    """``text`` with phone and ID numbers removed (``core.redaction``) and the writer's name and the
    address they gave replaced; staff read and correct the result before it is published."""
    text = redact(text)
    for word in {message.writer_name.strip()} - {""}:
        text = text.replace(word, REDACTED_NAME)
    return text


def publication_draft(message: Message) -> dict[str, str]:
    return {
        "public_subject": remove_personal_details(message, message.subject),
        "public_text": remove_personal_details(message, message.text),
        "public_answer": remove_personal_details(message, message.answer),
    }


def publish_message(
    message: Message,
    *,
    by,
    public_subject: str,
    public_text: str,
    public_answer: str,
    version: int | None = None,
    now: datetime.datetime | None = None,
) -> Message:
    """公开: only when the writer agreed and the organization chooses to; the published texts pass
    through the redaction again, whatever staff typed."""
    now = _now(now)
    check_perm(by, ASSIGN, message)
    if not message.agrees_to_publish:
        raise RuleViolation(gettext("The writer did not agree to publication."), rule="publish.consent")
    if message.state not in (MessageState.ANSWERED, MessageState.CLOSED):
        raise RuleViolation(gettext("Only answered messages can be published."), rule="publish.answered")
    subject = remove_personal_details(
        message, _required(public_subject, "public_subject", gettext("a subject"), MAX_SUBJECT)
    )
    text = remove_personal_details(
        message, _required(public_text, "public_text", gettext("the question"), MAX_TEXT)
    )
    answer = remove_personal_details(
        message, _required(public_answer, "public_answer", gettext("the answer"), MAX_TEXT)
    )
    with transaction.atomic():
        _claim(
            message,
            version,
            [MessageState.ANSWERED, MessageState.CLOSED],
            is_published=True,
            published_at=now,
            public_subject=subject,
            public_text=text,
            public_answer=answer,
        )
        audit.record(
            AuditAction.UPDATE,
            message,
            by=by,
            changes={"is_published": [False, True]},
            note="mailbox.publish",
        )
    return message


def unpublish_message(message: Message, *, by, version: int | None = None) -> Message:
    check_perm(by, ASSIGN, message)
    with transaction.atomic():
        _claim(message, version, MessageState.values, is_published=False)
        audit.record(
            AuditAction.UPDATE,
            message,
            by=by,
            changes={"is_published": [True, False]},
            note="mailbox.unpublish",
        )
    return message


# --- becoming a service request -------------------------------------------------------------------


def turn_into_request(message: Message, *, category, area: Area, by, now: datetime.datetime | None = None):
    """转为诉求: staff file the message as a service request (source 信箱) through the service app's
    own ``submit_request`` (which checks they may register requests in that grid); the message
    links to it. The writer's phone goes with it, so the handlers can reach them."""
    from dangjian.service import services as service_services
    from dangjian.service.choices import RequestSource

    check_perm(by, ASSIGN, message)
    if message.service_request_id:
        raise RuleViolation(gettext("This message already became a service request."), rule="request.once")
    with transaction.atomic():
        request_obj = service_services.submit_request(
            category=category,
            description=message.text,
            title=message.subject,
            source=RequestSource.MAILBOX,
            area=area,
            contact_name=message.writer_name,
            contact_phone=message.writer_phone.clear() if message.writer_phone else "",
            phone_verified=message.phone_verified,
            by=by,
            now=now,
        )
        updated = Message.objects.filter(pk=message.pk, service_request__isnull=True).update(
            service_request=request_obj, version=F("version") + 1
        )
        if updated != 1:
            raise ConcurrentChange(
                gettext("This message was changed by someone else meanwhile; please look at it again.")
            )
        message.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            message,
            by=by,
            changes={"service_request": [None, request_obj.tracking_code]},
            note="mailbox.to_request",
        )
    return request_obj


# --- overdue --------------------------------------------------------------------------------------


def mark_overdue(message: Message, *, now: datetime.datetime | None = None) -> bool:
    """Overdue (超期): flag the unanswered message once and escalate it to the organization above,
    as overdue service requests are; the assignee and both organizations' staff are told."""
    now = _now(now)
    with transaction.atomic():
        claimed = Message.objects.filter(
            Q(pk=message.pk, state__in=list(OPEN_STATES)) & past_due(now)
        ).update(overdue_at=now)
        if not claimed:
            return False
        message.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            message,
            username=SYSTEM_NAME,
            changes={"overdue_at": [None, now]},
            note="mailbox.overdue",
        )
        superior = Organization.objects.get_parent(message.org)
        link = reverse("mailbox:message_detail", args=[message.pk])
        title = gettext("Overdue: mailbox message %(code)s was due %(due)s") % {
            "code": message.tracking_code,
            "due": timezone.localtime(message.due_at).strftime("%Y-%m-%d %H:%M"),
        }
        for org in filter(None, [message.org, superior]):
            notifications.notify(
                kind=NOTICE_OVERDUE,
                title=title,
                link=link,
                org=org,
                permission=VIEW,
                obj=message,
                dedupe_key=f"mailbox-overdue:{message.pk}:{org.pk}",
            )
        if message.assignee_id:
            notifications.notify(
                kind=NOTICE_OVERDUE,
                title=title,
                link=link,
                user=message.assignee,
                obj=message,
                dedupe_key=f"mailbox-overdue:{message.pk}:user:{message.assignee_id}",
            )
    return True


# --- mailboxes ------------------------------------------------------------------------------------

MAILBOX_FIELDS = ["title", "intro", "answer_days", "is_open"]


def save_mailbox(
    *,
    org: Organization,
    by,
    title: str,
    intro: str = "",
    answer_days: int = 5,
    is_open: bool = True,
    version: int | None = None,
) -> Mailbox:
    """Open an organization's mailbox, or change its title, introduction, answer days and whether it is open."""
    if not 1 <= int(answer_days) <= 60:
        raise RuleViolation(
            gettext("Between 1 and 60 working days, please."), rule="answer_days.range", field="answer_days"
        )
    title = _required(title, "title", gettext("a title"), 100)
    existing = Mailbox.objects.filter(org=org).first()
    values = {
        "title": title,
        "intro": _text(intro),
        "answer_days": int(answer_days),
        "is_open": bool(is_open),
    }
    with transaction.atomic():
        if existing is None:
            probe = Mailbox(org=org)
            check_perm(by, ADD_MAILBOX, probe)
            mailbox = Mailbox.objects.create(org=org, **values)
            audit.record(AuditAction.CREATE, mailbox, by=by, note="mailbox.open")
            return mailbox
        check_perm(by, CHANGE_MAILBOX, existing)
        before = audit.snapshot(existing, MAILBOX_FIELDS)
        where = Q(pk=existing.pk) if version is None else Q(pk=existing.pk, version=version)
        if Mailbox.objects.filter(where).update(version=F("version") + 1, **values) != 1:
            raise ConcurrentChange(
                gettext("This mailbox was changed by someone else meanwhile; please look at it again.")
            )
        existing.refresh_from_db()
        audit.record(
            AuditAction.UPDATE,
            existing,
            by=by,
            changes=audit.diff(before, audit.snapshot(existing, MAILBOX_FIELDS)),
            note="mailbox.settings",
        )
    return existing
