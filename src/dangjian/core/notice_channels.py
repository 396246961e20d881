"""Notices by e-mail and SMS besides the inbox: each reader's choices, quiet hours, and delivery
with retries.

``notify`` writes the notice and, once its transaction commits, enqueues ``deliver_notification``
(``core.tasks``). That task plans one ``Delivery`` per (notice, reader, channel) the reader chose
for the notice's group of kinds — an office's notice reaches the users whose role carries its
permission over the organization at that moment, the inbox's own audience rule — and sends what
is due. Quiet hours hold e-mail and SMS until they end; a failed send is tried again later with a
growing pause (``BACKOFF``) by the periodic ``send_due_deliveries``. A message carries the
notice's ``public_title`` (or its group's name), the organization and a link to the notice
behind the sign-in, never the title itself: titles name members ("某某 has not paid party dues").
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction, DeliveryState, NoticeChannel, NoticeGroup
from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.core.models import Delivery, NoticePreference, Notification
from dangjian.core.sms import send_sms
from dangjian.core.tree import PATH_STEP

logger = logging.getLogger("dangjian.notices")
mail_logger = logging.getLogger("dangjian.mail")

# Pauses after the 1st, 2nd, … failed attempt; after MAX_ATTEMPTS the delivery is given up.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A claimed attempt whose worker died is tried again after this long (the only case where a
# message may go out twice: the gateway accepted it and the worker died before recording it).
LEASE = datetime.timedelta(minutes=15)
# Deliveries one run of the periodic job sends at most; the rest wait for the next minute.
BATCH = 500

PREFERENCE_FIELDS = ["email_groups", "sms_groups", "quiet_enabled", "quiet_start", "quiet_end"]

# Words of a notice kind ("service.overdue", "development_due", "publicity.published") and the
# group they place it in; the first group with a matching word wins, the rest are "other".
GROUP_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        NoticeGroup.MEETINGS,
        frozenset({"meeting", "meetings", "activity", "activities", "election", "elections"}),
    ),
    (
        NoticeGroup.ANNOUNCEMENTS,
        frozenset({"publicity", "announcement", "announcements", "learning", "course", "courses"}),
    ),
    (
        NoticeGroup.MAILBOX,
        frozenset({"mailbox", "letter", "letters", "deliberation", "deliberations", "proposal", "proposals"}),
    ),
    (
        NoticeGroup.DEADLINES,
        frozenset(
            {
                "due",
                "overdue",
                "late",
                "reminder",
                "recheck",
                "supervised",
                "whistle",
                "silent",
                "dues",
                "development",
                "service",
                "dispatched",
                "help",
            }
        ),
    ),
)


def group_of(kind: str) -> str:
    """The group of notice kinds ``kind`` belongs to, for the reader's channel choices."""
    words = set(re.split(r"[._\-]", kind.lower()))
    for group, group_words in GROUP_WORDS:
        if words & group_words:
            return group
    return NoticeGroup.OTHER


# --- Preferences -------------------------------------------------------------------------------


def preference_of(user) -> NoticePreference:
    """The user's saved choices, or the defaults (unsaved) when they never saved any."""
    return NoticePreference.objects.filter(user=user).first() or NoticePreference(user=user, version=0)


def update_preferences(
    user,
    *,
    email_groups: list[str],
    sms_groups: list[str],
    quiet_enabled: bool,
    quiet_start: datetime.time,
    quiet_end: datetime.time,
    version: int | None = None,
) -> NoticePreference:
    """Save ``user``'s own channel choices and quiet hours (audited); ``version`` refuses a stale form."""
    known = set(NoticeGroup.values)
    for field, groups in (("email_groups", email_groups), ("sms_groups", sms_groups)):
        unknown = sorted(set(groups) - known)
        if unknown:
            raise RuleViolation(
                gettext("Unknown notice group: %(groups)s.") % {"groups": "、".join(unknown)},
                rule="notice_group",
                field=field,
            )
    with transaction.atomic():
        preference, created = NoticePreference.objects.select_for_update().get_or_create(user=user)
        # Unsaved settings read as version 0: a form read before someone's first save is stale too.
        if version is not None and version != (0 if created else preference.version):
            raise ConcurrentChange(
                gettext(
                    "Your notice settings were changed elsewhere meanwhile; reload the page and try again."
                ),
                rule="version",
            )
        before = audit.snapshot(preference, PREFERENCE_FIELDS)
        preference.email_groups = [group for group in NoticeGroup.values if group in email_groups]
        preference.sms_groups = [group for group in NoticeGroup.values if group in sms_groups]
        preference.quiet_enabled = quiet_enabled
        preference.quiet_start = quiet_start
        preference.quiet_end = quiet_end
        if not created:
            preference.version += 1
        preference.save()
        changes = audit.diff(before, audit.snapshot(preference, PREFERENCE_FIELDS))
        audit.record(AuditAction.UPDATE, preference, by=user, changes=changes, object_repr=str(user))
    return preference


def quiet_until(preference: NoticePreference, now: datetime.datetime) -> datetime.datetime | None:
    """When the quiet hours around ``now`` end (local time), or None when ``now`` is not quiet."""
    start, end = preference.quiet_start, preference.quiet_end
    if not preference.quiet_enabled or start == end:
        return None
    local = timezone.localtime(now)
    moment = local.time()
    quiet = start <= moment < end if start < end else (moment >= start or moment < end)
    if not quiet:
        return None
    day = local.date() if moment < end else local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, end, tzinfo=timezone.get_current_timezone())


# --- Planning ----------------------------------------------------------------------------------


def recipients(notification: Notification) -> list:
    """Who receives ``notification`` now: its user, or the users whose role carries its permission
    over its organization (the inbox's rule, ``notifications.for_user``, asked for each candidate).

    Candidates are found through their role assignments on the organization and the ones above
    it; a system administrator without such a role reads every office's notice in the inbox but
    is not sent all of them.
    """
    from dangjian.core.notifications import for_user

    if notification.user_id is not None:
        user = notification.user
        return [user] if user.is_active else []
    path = notification.org_path
    app_label, _dot, codename = notification.permission.partition(".")
    ancestors = [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]
    candidates = (
        get_user_model()
        .objects.filter(
            is_active=True,
            role_assignments__is_active=True,
            role_assignments__org__path__in=ancestors,
            role_assignments__role__permissions__content_type__app_label=app_label,
            role_assignments__role__permissions__codename=codename,
        )
        .distinct()
        .order_by("pk")
    )
    return [user for user in candidates if for_user(user).filter(pk=notification.pk).exists()]


def _reachable(user, channel: str) -> bool:
    if channel == NoticeChannel.EMAIL:
        return bool(user.email)
    # A kept mobile is truthy without being decrypted (``core.personal.Protected``).
    return bool(getattr(user, "mobile", None))


def _chosen(preference: NoticePreference, channel: str, group: str) -> bool:
    groups = preference.email_groups if channel == NoticeChannel.EMAIL else preference.sms_groups
    return group in groups


def plan_deliveries(notification_id: int, *, now: datetime.datetime | None = None) -> int:
    """Write the pending deliveries of one notice, due ``now`` (once: planning again adds nothing)."""
    now = now or timezone.now()
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return 0
    group = group_of(notification.kind)
    users = recipients(notification)
    saved = {preference.user_id: preference for preference in NoticePreference.objects.filter(user__in=users)}
    planned = set(Delivery.objects.filter(notification=notification).values_list("user_id", "channel"))
    rows = [
        Delivery(notification=notification, user=user, channel=channel, next_attempt_at=now)
        for user in users
        for channel in NoticeChannel.values
        if (user.pk, channel) not in planned
        and _chosen(saved.get(user.pk) or NoticePreference(user=user), channel, group)
        and _reachable(user, channel)
    ]
    # Two workers planning the same notice at once: the unique triple keeps one row of each.
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- Sending -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    subject: str
    text: str  # the e-mail's
    sms: str


def message_for(notification: Notification) -> Message:
    """The e-mail and SMS of a notice: no title (it may name members), only its public title or
    group, its organization and the link to the notice behind the sign-in."""
    headline = notification.public_title or NoticeGroup(group_of(notification.kind)).label
    if notification.org_name:
        headline = f"{headline}（{notification.org_name}）"
    link = f"{settings.PUBLIC_URL}{reverse('core:notification_open', args=[notification.pk])}"
    preferences = f"{settings.PUBLIC_URL}{reverse('core:notification_preferences')}"
    subject = gettext("[Party building] New notice: %(headline)s") % {"headline": headline}
    text = gettext(
        "You have a new notice: %(headline)s.\nOpen it after signing in: %(link)s\n"
        "Choose which notices reach you by e-mail or SMS, and your quiet hours: %(preferences)s"
    ) % {"headline": headline, "link": link, "preferences": preferences}
    sms = gettext("%(subject)s Open it after signing in: %(link)s") % {"subject": subject, "link": link}
    return Message(subject=subject, text=text, sms=sms)


def _send(delivery: Delivery) -> None:
    message = message_for(delivery.notification)
    if delivery.channel == NoticeChannel.EMAIL:
        send_mail(message.subject, message.text, None, [delivery.user.email], fail_silently=False)
    else:
        # The one place the clear number is read: to hand it to the gateway, never to a log or a row.
        send_sms(delivery.user.mobile.clear(), message.sms)


def _error_text(error: Exception) -> str:
    """What went wrong without what it was sent to: the error's kind and the SMTP code if any
    (an SMTP error's text and arguments name the refused addresses)."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}" + (f" (SMTP {code})" if code else "")


def _withdrawn(delivery: Delivery) -> str:
    """Why a pending delivery must no longer go out ("" when it still must)."""
    from dangjian.core.notifications import for_user

    user = delivery.user
    if not user.is_active:
        return "withdrawn: account inactive"
    if not _chosen(preference_of(user), delivery.channel, group_of(delivery.notification.kind)):
        return "withdrawn: channel turned off"
    if not for_user(user).filter(pk=delivery.notification_id).exists():
        return "withdrawn: no longer in the notice's audience"
    return ""


def attempt(delivery_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Send one due delivery once; True when it went out. Held in quiet hours, retried on failure.

    The attempt is claimed with a conditional ``UPDATE … WHERE attempts = n`` first, so two
    workers never both send it, and a ``sent`` delivery is never sent again.
    """
    now = now or timezone.now()
    delivery = (
        Delivery.objects.select_related("notification", "user")
        .filter(pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .first()
    )
    if delivery is None:
        return False
    pending = Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING, attempts=delivery.attempts)
    reason = _withdrawn(delivery)
    if reason:
        pending.update(state=DeliveryState.FAILED, last_error=reason)
        return False
    release = quiet_until(preference_of(delivery.user), now)
    if release is not None:
        pending.update(next_attempt_at=release)
        return False
    if not pending.update(attempts=delivery.attempts + 1, next_attempt_at=now + LEASE):
        return False
    attempts = delivery.attempts + 1
    claimed = Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING, attempts=attempts)
    try:
        _send(delivery)
    except Exception as error:  # a gateway's or SMTP server's failure of any kind is retried
        error_text = _error_text(error)
        if attempts >= MAX_ATTEMPTS:
            claimed.update(state=DeliveryState.FAILED, last_error=error_text)
            logger.warning(
                "Delivery %s (%s) failed %s times, given up: %s",
                delivery.pk,
                delivery.channel,
                attempts,
                error_text,
            )
        else:
            retry_at = now + BACKOFF[attempts - 1]
            claimed.update(next_attempt_at=retry_at, last_error=error_text)
            logger.warning(
                "Delivery %s (%s) failed (attempt %s), retried at %s: %s",
                delivery.pk,
                delivery.channel,
                attempts,
                retry_at.isoformat(),
                error_text,
            )
        return False
    claimed.update(state=DeliveryState.SENT, sent_at=now, last_error="")
    return True


def send_due(*, now: datetime.datetime | None = None, notification_id: int | None = None) -> int:
    """Attempt every pending delivery that is due (of one notice, or all); returns how many went out."""
    now = now or timezone.now()
    due = Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
    if notification_id is not None:
        due = due.filter(notification_id=notification_id)
    ids = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:BATCH])
    return sum(attempt(pk, now=now) for pk in ids)


def enqueue_delivery(notification_id: int) -> None:
    """After the notice's transaction commits: the task that plans and sends its deliveries."""
    from dangjian.core.tasks import deliver_notification

    try:
        deliver_notification.enqueue(notification_id)
    except Exception as error:  # the notice stays in the inbox whatever happens to the queue
        logger.warning("Notice %s: deliveries not enqueued (%s)", notification_id, type(error).__name__)


# --- Development and intranets without an SMTP server -----------------------------------------


def mask_address(address: str) -> str:
    """``z***@example.org`` for ``zhang.san@example.org``: enough to tell two apart in a log."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class LogEmailBackend(BaseEmailBackend):
    """E-mails written to the log (``dangjian.mail``) with the address masked, when no SMTP host
    is set (``DANGJIAN_EMAIL_HOST``): what a demo and an intranet without mail use."""

    def send_messages(self, email_messages) -> int:
        for email in email_messages:
            mail_logger.warning(
                "E-mail to %s: %s", ", ".join(mask_address(to) for to in email.to), email.subject
            )
        return len(email_messages)
