"""State changes of announcements: writing, publishing (now or at a set time), withdrawing,
pinning, attaching files, and a member's read receipt.

Staff with ``add_announcement``/``change_announcement`` over the announcement's organization
write and publish it. Every change is one transaction with its audit line; edits carry the
version the editor loaded. Members of the audience are told through ``core.notifications`` once
the announcement is live: at once when it is published for now, by the periodic job
``publicity.tasks.notify_due_announcements`` when it was scheduled.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.accounts.models import User
from dangjian.core import audit, notifications
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, RuleViolation
from dangjian.core.scoping import check_perm
from dangjian.core.uploads import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES, document_refusal
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization
from dangjian.publicity.choices import AnnouncementCategory, AnnouncementState, Audience
from dangjian.publicity.models import Announcement, Attachment, Read
from dangjian.publicity.richtext import clean_html
from dangjian.publicity.roles import ADD, CHANGE

NOTICE = "publicity"
FIELDS = ["org", "title", "body", "category", "audience", "is_pinned", "publish_at", "state"]
# The documents every attachment accepts (``core.uploads``): the name and the content must agree.
MAX_ATTACHMENT_BYTES = MAX_DOCUMENT_BYTES
ATTACHMENT_TYPES = DOCUMENT_TYPES


def _validate(announcement: Announcement) -> None:
    announcement.title = (announcement.title or "").strip()
    announcement.body = clean_html(announcement.body or "")
    if not announcement.title:
        raise RuleViolation(gettext("Give the announcement a title."), rule="required", field="title")
    if announcement.category not in AnnouncementCategory.values:
        raise RuleViolation(gettext("Choose a valid category."), rule="category", field="category")
    if announcement.audience not in Audience.values:
        raise RuleViolation(gettext("Choose a valid audience."), rule="audience", field="audience")


def _stale(current: Announcement, version: int | None) -> None:
    if version is not None and current.version != version:
        raise ConcurrentChange(
            gettext(
                "Someone changed this announcement meanwhile; reload the page and make your change again."
            ),
            rule="stale_version",
        )


def _locked(announcement: Announcement) -> Announcement:
    return Announcement.objects.select_for_update(of=("self",)).select_related("org").get(pk=announcement.pk)


def create_announcement(
    *,
    by,
    org: Organization,
    title: str,
    body: str = "",
    category: str = AnnouncementCategory.NOTICE,
    audience: str = Audience.SUBTREE,
    is_pinned: bool = False,
    publish_at: datetime.datetime | None = None,
) -> Announcement:
    """Write a draft announcement of ``org``; its rich text is sanitized before it is stored."""
    with transaction.atomic():
        announcement = Announcement(
            org=org,
            title=title,
            body=body,
            category=category,
            audience=audience,
            is_pinned=is_pinned,
            publish_at=publish_at,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        check_perm(by, ADD, announcement)
        _validate(announcement)
        announcement.save()
        audit.record(
            AuditAction.CREATE,
            announcement,
            by=by,
            changes=audit.diff({}, audit.snapshot(announcement, FIELDS)),
        )
    return announcement


def update_announcement(announcement: Announcement, *, by, version: int | None, **fields) -> Announcement:
    """Edit a draft or a published announcement (not a withdrawn one)."""
    with transaction.atomic():
        current = _locked(announcement)
        check_perm(by, CHANGE, current)
        _stale(current, version)
        if current.state == AnnouncementState.WITHDRAWN:
            raise RuleViolation(
                gettext("A withdrawn announcement cannot be edited."), rule="announcement_withdrawn"
            )
        before = audit.snapshot(current, FIELDS)
        for name, value in fields.items():
            if name not in FIELDS or name == "state":
                raise ValueError(f"Not an editable field of an announcement: {name}")
            setattr(current, name, value)
        _validate(current)
        check_perm(by, CHANGE, current)  # still within the editor's scope after a move
        current.version += 1
        current.save()
        audit.record(
            AuditAction.UPDATE, current, by=by, changes=audit.diff(before, audit.snapshot(current, FIELDS))
        )
    return current


def publish_announcement(
    announcement: Announcement, *, by, version: int | None = None, now: datetime.datetime | None = None
) -> Announcement:
    """Publish a draft: at once, or at its ``publish_at`` when that lies ahead (定时发布)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked(announcement)
        check_perm(by, CHANGE, current)
        _stale(current, version)
        if current.state != AnnouncementState.DRAFT:
            raise RuleViolation(
                gettext("This announcement is “%(state)s”; only a draft can be published.")
                % {"state": current.get_state_display()},
                rule="announcement_state",
            )
        before = audit.snapshot(current, FIELDS)
        current.state = AnnouncementState.PUBLISHED
        if current.publish_at is None or current.publish_at < now:
            current.publish_at = now
        current.published_by = by if getattr(by, "is_authenticated", False) else None
        current.version += 1
        current.save()
        audit.record(
            AuditAction.UPDATE, current, by=by, changes=audit.diff(before, audit.snapshot(current, FIELDS))
        )
        if current.publish_at <= now:
            notify_audience(current, now=now)
    return current


def withdraw_announcement(announcement: Announcement, *, by, reason: str) -> Announcement:
    """Withdraw a published announcement (撤回): it leaves the portal and the members' lists."""
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _locked(announcement)
        check_perm(by, CHANGE, current)
        if current.state != AnnouncementState.PUBLISHED:
            raise RuleViolation(
                gettext("Only a published announcement can be withdrawn."), rule="announcement_state"
            )
        if not reason:
            raise RuleViolation(
                gettext("Say why the announcement is withdrawn."), rule="required", field="reason"
            )
        current.state = AnnouncementState.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.withdrawal_reason = reason[:200]
        current.version += 1
        current.save()
        audit.record(
            AuditAction.UPDATE,
            current,
            by=by,
            changes={"state": [AnnouncementState.PUBLISHED, AnnouncementState.WITHDRAWN]},
            note=reason,
        )
    return current


# --- the audience ---------------------------------------------------------------------------------


def audience_members(announcement: Announcement) -> QuerySet[PartyMember]:
    """The active members an announcement addresses (none for a public one: it has no read list)."""
    members = PartyMember.objects.filter(is_active=True)
    if announcement.audience == Audience.ORG:
        return members.filter(org_id=announcement.org_id)
    if announcement.audience == Audience.SUBTREE:
        return members.filter(org__path__startswith=announcement.org.path)
    return members.none()


def notify_audience(announcement: Announcement, *, now: datetime.datetime | None = None) -> int:
    """Tell every member of the audience with a login, once (a conditional update claims the
    announcement, so the job and the publishing never both send)."""
    now = now or timezone.now()
    claimed = Announcement.objects.filter(pk=announcement.pk, notified_at__isnull=True).update(
        notified_at=now
    )
    if not claimed or not announcement.for_members:
        return 0
    persons = audience_members(announcement).values("person_id")
    users = User.objects.filter(person_id__in=persons, is_active=True).only("pk")
    link = reverse("publicity:announcement_detail", kwargs={"pk": announcement.pk})
    sent = 0
    for user in users.iterator():
        notifications.notify(
            kind=NOTICE,
            user=user,
            title=gettext("New announcement of %(org)s: %(title)s")
            % {"org": announcement.org.name, "title": announcement.title},
            link=link,
            dedupe_key=f"publicity:{announcement.pk}:{user.pk}",
        )
        sent += 1
    return sent


def notify_due(now: datetime.datetime | None = None) -> int:
    """Tell the audiences of scheduled announcements that became live (idempotent)."""
    now = now or timezone.now()
    due = list(Announcement.objects.live(now).filter(notified_at__isnull=True).select_related("org"))
    for announcement in due:
        notify_audience(announcement, now=now)
    return len(due)


def member_of_audience(user, announcement: Announcement) -> PartyMember | None:
    """The user's own membership when the announcement addresses it, else None."""
    person_id = getattr(user, "person_id", None)
    if not person_id or not announcement.for_members:
        return None
    return audience_members(announcement).filter(person_id=person_id).first()


def record_read(announcement: Announcement, user) -> bool:
    """Record that the signed-in member opened an announcement addressed to them (once); True
    when this was their first reading."""
    if not announcement.is_live or member_of_audience(user, announcement) is None:
        return False
    try:
        with transaction.atomic():
            Read.objects.create(announcement=announcement, person_id=user.person_id)
    except IntegrityError:
        return False
    return True


# --- attachments ----------------------------------------------------------------------------------


def attachment_refusal(name: str, size: int, head: bytes) -> str | None:
    """Why a file cannot be attached (too large, a type not accepted), in words; None if it can."""
    return document_refusal(name, size, head, types=ATTACHMENT_TYPES, max_bytes=MAX_ATTACHMENT_BYTES)


def add_attachment(announcement: Announcement, upload, *, by) -> Attachment:
    """Attach an image or a document (at most 10 MB, JPG/PNG/PDF/DOCX/XLSX, content checked)."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    refusal = attachment_refusal(name, upload.size, head)
    if refusal:
        raise RuleViolation(refusal, rule="attachment_file", field="file")
    extension = name.rsplit(".", 1)[-1].lower()
    with transaction.atomic():
        current = _locked(announcement)
        check_perm(by, CHANGE, current)
        attachment = Attachment(
            announcement=current,
            original_name=name,
            content_type=ATTACHMENT_TYPES[extension][0],
            size=upload.size,
            uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        audit.record(
            AuditAction.CREATE,
            attachment,
            by=by,
            changes=audit.diff({}, {"file": name, "size": upload.size}),
            note=gettext("Attachment of %(title)s") % {"title": current.title},
        )
    return attachment
