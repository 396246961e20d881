"""Shared records: the person identity, the append-only audit log, the working-day calendar and
notifications."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.choices import (
    AuditAction,
    CalendarDayKind,
    DeliveryState,
    Education,
    Gender,
    NoticeChannel,
    NoticeGroup,
)
from dangjian.core.personal import ID_NUMBER, MOBILE, PersonalData
from dangjian.core.registry import registry
from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet


class PersonQuerySet(models.QuerySet):
    def with_id_number(self, id_number: str) -> PersonQuerySet:
        """Exact lookup by ID number through the keyed hash (the clear value is never stored)."""
        from dangjian.core.personal import lookup_hash

        return self.filter(id_number_hash=lookup_hash(ID_NUMBER, id_number))

    def with_mobile(self, mobile: str) -> PersonQuerySet:
        from dangjian.core.personal import lookup_hash

        return self.filter(mobile_hash=lookup_hash(MOBILE, mobile))

    def search(self, text: str) -> PersonQuerySet:
        from dangjian.core.search import search_queryset

        return search_queryset(self, text)

    def visible_to(self, user, action: str = "view") -> PersonQuerySet:
        """People living, serving or holding membership inside the subtrees where the user's
        role allows ``action`` (default ``core.view_person``)."""
        from dangjian.core.scoping import restrict

        return restrict(self, user, action)


class Person(models.Model):
    """One identity shared by residents, party members, volunteers, grid workers and handlers.

    The ID number and mobile are personal information: encrypted, keyed-hashed and masked
    (see ``dangjian.core.personal``); the hash makes one person per ID number enforceable.
    """

    name = models.CharField(_("name"), max_length=64)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=16, blank=True, default="汉族")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    id_number_cipher = models.TextField(_("ID number (encrypted)"), blank=True, default="", editable=False)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=24, blank=True, default="", editable=False)
    mobile_cipher = models.TextField(_("mobile (encrypted)"), blank=True, default="", editable=False)
    mobile_hash = models.CharField(max_length=64, null=True, blank=True, editable=False, db_index=True)
    mobile_masked = models.CharField(_("mobile"), max_length=16, blank=True, default="", editable=False)
    # No index of its own: ``core_person_sort_idx`` (name_pinyin, id) serves every read by name.
    # With both, PostgreSQL took the smaller one for a surname's page, which is not in (name, id)
    # order, so it read and sorted the whole range (朱 for a street: 78 ms instead of 0.2 ms).
    name_pinyin = models.CharField(_("pinyin sort key"), max_length=255, blank=True, default="")
    search_tokens = models.TextField(blank=True, default="", editable=False)
    # Every subtree the person is placed in by other apps' records, as tokens (see
    # core.person_scope): a scoped list tests this column instead of three subqueries.
    scope_keys = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    id_number = PersonalData(ID_NUMBER)
    mobile = PersonalData(MOBILE)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_pinyin", "id"]
        indexes = [
            # A name search walks one surname's range of this index in page order
            # (core.search.NameOrderSearch); (name_pinyin, id) is also every list's order.
            models.Index(fields=["name_pinyin", "id"], name="core_person_sort_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=models.Q(id_number_hash__isnull=False),
                name="core_person_unique_id_number",
            ),
        ]
        permissions = [("reveal_personal_data", _("Can reveal ID numbers and phones"))]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_search_fields()
        created = self._state.adding
        if not created and kwargs.get("update_fields") is None:
            # scope_keys is kept by core.person_scope, never by an edit of the person: an
            # instance read before its membership was created would write back stale keys.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "scope_keys"
            ]
        super().save(*args, **kwargs)
        # Apps that copy a person's fields (the ledger's sort key) keep them in step here.
        for hook in registry["person_saved_hooks"].values():
            hook(self, created)

    @classmethod
    def scope_q(cls, scope) -> models.Q:
        """People placed inside ``scope``, read from the copy in ``scope_keys`` (one column)."""
        from dangjian.core.person_scope import scope_keys_q

        return scope_keys_q(scope)

    @classmethod
    def placement_scope_q(cls, scope) -> models.Q:
        """People placed inside ``scope`` by any app's records (the registry's ``person_placements``).

        The definition ``scope_keys`` copies; the tests compare the two.
        """
        # Never start from an empty Q(): OR-ed with an expression it would match everyone.
        parts = [placement.scope_q(scope) for placement in registry["person_placements"].values()]
        if not parts:
            return Q(pk__in=[])
        combined = parts[0]
        for part in parts[1:]:
            combined = combined | part
        return combined

    def audit_scope_paths(self) -> tuple[str, str]:
        """Where audit lines about this person belong: their membership org and current home."""
        org_path = area_path = ""
        for placement in registry["person_placements"].values():
            org, area = placement.audit_paths(self)
            org_path, area_path = org_path or org, area_path or area
        return org_path, area_path

    def in_scope_of(self, user, permission: str) -> bool:
        """Whether ``user`` holds ``permission`` over some place this person lives, serves or belongs."""
        from dangjian.core.scoping import scope_of

        scope = scope_of(user)
        if scope.is_global:
            return True
        places = [place for entry in registry["person_placements"].values() for place in entry.places(self)]
        return any(scope.has_perm(permission, org_path=o, area_path=a) for o, a in places)

    def refresh_search_fields(self) -> None:
        """Recompute the pinyin sort key and search tokens from the name."""
        from dangjian.core.search import search_tokens
        from dangjian.core.text import sort_key

        self.name_pinyin = sort_key(self.name)
        self.search_tokens = search_tokens(names=(self.name,))


class AuditEntryQuerySet(ScopedQuerySet):
    """Append-only; ``visible_to(user)`` asks ``core.view_auditentry`` like any scoped read."""

    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除。")


class AuditEntry(models.Model):
    """One append-only line of who did what to which record, when and from where.

    The actor's name and the object's description are stored as text so the line stays
    meaningful after the user or the object is gone; there is no foreign key on purpose.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField(_("user ID"), null=True, blank=True, db_index=True)
    username = models.CharField(_("user"), max_length=150, blank=True, default="")
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, default="", db_index=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True, default="")
    object_repr = models.CharField(_("object"), max_length=255, blank=True, default="")
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True, default="")
    request_id = models.CharField(_("request ID"), max_length=36, blank=True, default="")
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    org_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    area_path = models.CharField(max_length=255, blank=True, default="", db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        # A line sits where the record it describes sat; lines with no place in the trees
        # (sign-ins, tokens) match no path and are for global roles only.
        return scope.q(ORG, "org_path") | scope.q(AREA, "area_path")


class AuditSealQuerySet(models.QuerySet):
    """Append-only like the log it seals."""

    def update(self, **kwargs):
        raise PermissionError("审计链封印只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计链封印只能追加，不能删除。")


class AuditSeal(models.Model):
    """One link of the hash chain over the audit log (``dangjian.core.audit_chain``).

    The worker seals audit entries in batches: the seal at ``index`` n holds SHA-256 of the
    hash at n − 1 and the entry's fields, so changing, removing or reordering any sealed entry
    or seal breaks a link that ``verify_audit_chain`` finds. ``entry_id`` is a plain number, not
    a foreign key, so a deleted entry leaves its seal behind as evidence.
    """

    index = models.PositiveBigIntegerField(_("position in the chain"))
    entry_id = models.BigIntegerField(_("audit entry ID"))
    hash = models.CharField(_("hash"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"))

    objects = AuditSealQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["index"]
        constraints = [
            models.UniqueConstraint(fields=["index"], name="core_auditseal_one_per_index"),
            models.UniqueConstraint(fields=["entry_id"], name="core_auditseal_one_per_entry"),
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.hash[:12]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计链封印只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计链封印只能追加，不能删除。")


class AuditSealer(models.Model):
    """The one row the audit sealer locks, so that one sealer at a time extends the chain.

    Only the sealer takes this lock, never the services writing audit lines, so writers are
    never serialized behind it. ``last_run_at`` bounds the look-back for entries committed
    after later ones were sealed.
    """

    last_run_at = models.DateTimeField(_("last sealed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit sealer")
        verbose_name_plural = _("audit sealer")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"audit sealer ({self.last_run_at:%Y-%m-%d %H:%M})" if self.last_run_at else "audit sealer"


class CalendarYear(models.Model):
    """A year whose holidays and make-up days have been entered (from the State Council notice).

    A year without a row falls back to the fixed-date statutory holidays, with a warning.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=255, blank=True, default="")
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the plain week: a statutory holiday or a 调休 make-up working day."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class ScheduledJob(models.Model):
    """The last period a periodic background job was enqueued for (see ``dangjian.core.scheduler``).

    Several worker processes tick the scheduler; the one whose conditional update moves
    ``last_run_at`` into the current period enqueues the job, the others see no row change.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    last_run_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """A reminder or flag addressed to an organization's office or to one user.

    Reminders of due pipeline steps, 静默支部 flags to the superior, 政治生日 greetings, dues
    arrears: time-based work writes them from tasks (``core.notifications.notify``); people read
    them in their inbox. An org notification is read by whoever holds ``permission`` (the one its
    link's page asks) over ``org_path`` (the org and those above it): a plain 党员 of a branch
    holds no committee permission there, so the branch's arrears and 自行脱党 warnings naming
    other members never reach them. ``object_type``/``object_id`` name the record the link opens,
    so opening the notice checks again that the reader still sees it. ``dedupe_key`` makes a
    daily task idempotent: the same reminder is never written twice. Who has read a notice is in
    ``NotificationRead`` (an org notice is shared, so it cannot carry one read flag).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    org_path = models.CharField(_("organization path"), max_length=255, blank=True, default="", db_index=True)
    org_name = models.CharField(_("organization"), max_length=200, blank=True, default="")
    permission = models.CharField(
        _("permission"),
        max_length=100,
        blank=True,
        default="",
        help_text=_("What a reader must hold over the organization to receive it (app_label.codename)."),
    )
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    public_title = models.CharField(
        _("title for e-mail and SMS"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Free of personal data; without it e-mail and SMS name the kind of notice only."),
    )
    body = models.TextField(_("text"), blank=True, default="")
    link = models.CharField(_("link"), max_length=500, blank=True, default="")
    object_type = models.CharField(_("object type"), max_length=100, blank=True, default="")
    object_id = models.PositiveBigIntegerField(_("object ID"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["permission", "org_path"], name="core_notice_audience_idx")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        # Org notifications by subtree; personal ones are added by ``for_user``.
        return scope.q(ORG, "org_path") & ~Q(org_path="")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org_path, "")


class NotificationRead(models.Model):
    """That one user has read one notification (opened it or marked it read).

    Org notifications are shared by everyone whose role reaches the office, so each reader keeps
    their own mark: one secretary reading the arrears notice leaves it unread for the other. The
    unique pair is also the index the unread count reads (one ``NOT EXISTS`` per page).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="notification_reads",
    )
    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="reads"
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification read")
        verbose_name_plural = _("notifications read")
        ordering = ["-read_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "notification"], name="core_notification_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.notification_id}"


def _default_email_groups() -> list[str]:
    # Without saved preferences: e-mail for every group, no SMS (it costs the organization money
    # and wakes people); quiet hours 22:00–07:00 (the field defaults below).
    return list(NoticeGroup.values)


class NoticePreference(models.Model):
    """How one user wants notices besides the inbox: per group of kinds, by e-mail and/or SMS,
    and the quiet hours (local time) during which e-mail and SMS wait until the hours end.

    A user without a row gets the field defaults; saving the page writes the row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_preference",
    )
    email_groups = models.JSONField(_("e-mail for"), default=_default_email_groups, blank=True)
    sms_groups = models.JSONField(_("SMS for"), default=list, blank=True)
    quiet_enabled = models.BooleanField(_("quiet hours"), default=True)
    quiet_start = models.TimeField(_("quiet from"), default=datetime.time(22, 0))
    quiet_end = models.TimeField(_("quiet until"), default=datetime.time(7, 0))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.user_id}"


class Delivery(models.Model):
    """One notice sent (or to be sent) to one user on one channel, e-mail or SMS.

    Written after the notice's transaction commits; the worker sends it, and on a failure tries
    again later (``next_attempt_at``, growing back-off) until ``MAX_ATTEMPTS``. The unique triple
    means a notice reaches a user at most once per channel however often planning runs, and the
    state ``sent`` is final: a retry never sends again what was sent. ``last_error`` holds the
    error's kind (and SMTP code), never an address, a phone or a name.
    """

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=NoticeChannel.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=200, blank=True, default="")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "user", "channel"], name="core_delivery_once_per_channel"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="core_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.user_id} ({self.channel})"


class WorkbenchSnapshot(models.Model):
    """Counts a street's or the district's 工作台 shows, computed by the worker for one scope.

    The apps' own to-dos and cards count over the whole subtree of a wide scope (a hundred
    thousand volunteers, a year of hours); such a count is kept here under its key and the
    signature of the grants it was computed under, with a user holding those grants so the worker
    can recompute it as that user (``core.workbench.wide_counts``). Recomputed, never edited.
    """

    key = models.CharField(_("key"), max_length=200)
    signature = models.CharField(_("scope signature"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("computed as"), on_delete=models.CASCADE, related_name="+"
    )
    permission = models.CharField(_("permission"), max_length=200)
    compute = models.CharField(_("computed by"), max_length=300)
    args = models.JSONField(_("arguments"), default=dict)
    value = models.JSONField(_("value"), encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("computed at"))
    # Rows live a day from the visit that made them (keys carry the day or month they count):
    # the worker drops older ones, and the next visit makes a new one.
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("workbench snapshot")
        verbose_name_plural = _("workbench snapshots")
        constraints = [
            models.UniqueConstraint(fields=["key", "signature"], name="core_workbench_snapshot_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.signature[:8]}"


class PendingImport(models.Model):
    """An Excel upload that passed its dry run, kept until its uploader confirms or cancels it.

    A ledger's workbook holds clear ID numbers and phones, so ``content`` is one Fernet token (the
    platform's encryption key, core/personal.py) of the original file name and the workbook's
    bytes. Kept in the database, not in the data directory: every app process and worker reads
    the same rows, so a confirm reaches the upload whichever process serves it and the hourly
    job removes expired ones from wherever it runs (core/excel/pending.py).
    """

    token = models.UUIDField(_("token"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    spec = models.CharField(_("ledger"), max_length=200)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    content = models.BinaryField(_("encrypted content"))

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.spec} · {self.token}"
