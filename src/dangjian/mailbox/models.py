"""The leader mailbox (领导信箱): an organization's mailbox, and the messages residents (on the portal,
phone-verified, no account) and signed-in members write to it (DOMAIN.md, "Communication and
participation").

A message is scoped through the organization whose mailbox it was written to: the staff of that
organization and of the organizations above it read it; the user it is assigned to (a staff user of
that organization or one below it) reads it too. The writer's phone is stored encrypted with a
keyed hash beside it and shown masked, as service requests store reporters' phones.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.personal import MOBILE, PersonalData
from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.core.search import search_tokens
from dangjian.mailbox.choices import MessageSource, MessageState

DEFAULT_ANSWER_DAYS = 5


class Mailbox(models.Model):
    """An organization's mailbox (信箱): open to residents and members, answered within N working days.

    The leader who answers is whoever holds the organization's assignment; the mailbox is the
    organization's, so it survives a change of leader."""

    org = models.OneToOneField(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100, help_text=_("For example: 书记信箱."))
    intro = models.TextField(_("introduction"), blank=True, default="")
    answer_days = models.PositiveSmallIntegerField(
        _("answer within (working days)"), default=DEFAULT_ANSWER_DAYS
    )
    is_open = models.BooleanField(_("open for messages"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["org__path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_days__gte=1, answer_days__lte=60), name="mailbox_answer_days_range"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class MessageQuerySet(ScopedQuerySet):
    def visible_outside_scope(self, user, permission: str) -> Q | None:
        """The messages assigned to the user (a staff user of an organization below the mailbox's)."""
        if not getattr(user, "is_authenticated", False):
            return None
        if permission in ("mailbox.view_message", "mailbox.change_message"):
            return Q(assignee=user)
        return None


class Message(models.Model):
    """A message (来信) to an organization's mailbox: received → assigned → answered → closed."""

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, editable=False, db_index=True)
    area = models.ForeignKey(
        "orgs.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=16, choices=MessageSource.choices)
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    subject = models.CharField(_("subject"), max_length=100)
    text = models.TextField(_("text"))
    writer_name = models.CharField(_("writer's name"), max_length=64, blank=True, default="")
    writer_phone_cipher = models.TextField(blank=True, default="", editable=False)
    writer_phone_hash = models.CharField(max_length=64, null=True, blank=True, editable=False, db_index=True)
    writer_phone_masked = models.CharField(
        _("writer's phone"), max_length=16, blank=True, default="", editable=False
    )
    writer_phone = PersonalData(MOBILE)
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agrees_to_publish = models.BooleanField(_("writer agrees to publication"), default=False)
    notify_by_sms = models.BooleanField(_("text message when answered"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=MessageState.choices, default=MessageState.RECEIVED
    )
    created_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("answer due"))
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, default="")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by_name = models.CharField(_("answered by"), max_length=150, blank=True, default="")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True, default="")
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    public_subject = models.CharField(_("published subject"), max_length=100, blank=True, default="")
    public_text = models.TextField(_("published question"), blank=True, default="")
    public_answer = models.TextField(_("published answer"), blank=True, default="")
    service_request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    search_tokens = models.TextField(blank=True, default="", editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailbox message")
        verbose_name_plural = _("mailbox messages")
        ordering = ["-created_at", "-id"]
        permissions = [("assign_message", _("Can assign, publish and close mailbox messages"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="mailbox_message_rating_range",
            )
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="mailbox_message_due_idx"),
            models.Index(fields=["assignee", "state"], name="mailbox_message_assignee_idx"),
            models.Index(fields=["org_path", "created_at"], name="mailbox_message_org_idx"),
            models.Index(fields=["is_published", "published_at"], name="mailbox_message_public_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.subject}"

    def save(self, *args, **kwargs) -> None:
        self.search_tokens = search_tokens(self.subject, self.text, self.tracking_code)
        if kwargs.get("update_fields") is not None and "search_tokens" not in kwargs["update_fields"]:
            kwargs["update_fields"] = [*kwargs["update_fields"], "search_tokens"]
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org_path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org_path, "")

    @property
    def is_open(self) -> bool:
        return self.state in (MessageState.RECEIVED, MessageState.ASSIGNED)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None and self.is_open
