"""党务公开 and announcements: what an organization publishes, for everyone on the portal or for
its members, with attached images and files and the members' read receipts (DOMAIN.md,
"Communication and participation").

An announcement belongs to an organization; staff see it through that organization's subtree. A
member reads the live announcements addressed to their organization (or to one above it, for the
subtree audience); anyone reads the public ones on the portal. An announcement is live once it
is published and its ``publish_at`` has come: scheduled publishing needs no job to flip a state.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.core.search import search_tokens
from dangjian.publicity.choices import MEMBER_AUDIENCES, AnnouncementCategory, AnnouncementState, Audience


class AnnouncementQuerySet(ScopedQuerySet):
    def live(self, now=None) -> AnnouncementQuerySet:
        """Published, not withdrawn, and due (``publish_at`` reached)."""
        return self.filter(state=AnnouncementState.PUBLISHED, publish_at__lte=now or timezone.now())

    def public(self, now=None) -> AnnouncementQuerySet:
        return self.live(now).filter(audience=Audience.PUBLIC)

    def for_member_org(self, org, now=None) -> AnnouncementQuerySet:
        """Live announcements a member of ``org`` reads: their own organization's (any audience),
        and the public or subtree ones of the organizations above it."""
        ancestors = [org.path[:end] for end in range(org.steplen, len(org.path) + 1, org.steplen)]
        return self.live(now).filter(
            Q(org_id=org.pk) | Q(org__path__in=ancestors, audience__in=[Audience.PUBLIC, Audience.SUBTREE])
        )


class Announcement(models.Model):
    """One announcement (公告) of an organization: rich text, category, audience, schedule."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), blank=True, default="")
    category = models.CharField(
        _("category"),
        max_length=16,
        choices=AnnouncementCategory.choices,
        default=AnnouncementCategory.NOTICE,
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.SUBTREE
    )
    state = models.CharField(
        _("state"), max_length=16, choices=AnnouncementState.choices, default=AnnouncementState.DRAFT
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("Leave empty to publish at once; a later time publishes it then."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True, default="")
    # When the members of the audience were told; claimed by one conditional update.
    notified_at = models.DateTimeField(_("members notified at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    search_tokens = models.TextField(blank=True, default="", editable=False)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-is_pinned", "-publish_at", "-id"]
        indexes = [
            models.Index(fields=["org", "state", "publish_at"], name="publicity_ann_org_idx"),
            models.Index(fields=["audience", "state", "publish_at"], name="publicity_ann_public_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        from dangjian.publicity.richtext import plain_text

        self.search_tokens = search_tokens(self.title, plain_text(self.body)[:2000])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_tokens"}
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")

    @property
    def is_live(self) -> bool:
        return (
            self.state == AnnouncementState.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.state == AnnouncementState.PUBLISHED and not self.is_live

    @property
    def for_members(self) -> bool:
        return self.audience in MEMBER_AUDIENCES


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files live under MEDIA_ROOT with a random name; the original name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"publicity/{instance.announcement_id}/{secrets.token_hex(12)}.{extension}"


class Attachment(models.Model):
    """An image or file of an announcement, served only to those who may read the announcement."""

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("announcement"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment of an announcement")
        verbose_name_plural = _("attachments of announcements")
        ordering = ["announcement_id", "id"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "announcement__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.announcement.audit_scope_paths()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Read(models.Model):
    """A member's read receipt (已读): the first time they opened an announcement addressed to them."""

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("announcement"), on_delete=models.CASCADE, related_name="reads"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["-read_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["announcement", "person"], name="publicity_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id}:{self.person_id}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "announcement__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.announcement.audit_scope_paths()
