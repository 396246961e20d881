"""Volunteer activities, the one hours ledger, 志愿服务记录证明 and points (时间银行).

Service records follow 民政部《志愿服务记录与证明出具办法（试行）》 (in force 2021-02-01; DOMAIN.md,
"Volunteer service"): hours are the time actually served, excluding travel; a confirmed record is
never overwritten — a correction is a new record pointing at the one it corrects, with who and
why; the organization that recorded the service issues the 证明, free of charge ("谁记录谁证明").

There is one hours ledger (``HoursRecord``): an activity's confirmed sign-up, a confirmed 双报到
service log of a member, and an entry by staff all post a record here, so a member's hours and
their 证明 count 双报到 service as volunteer service. The record's other parts — training, awards
and evaluation (《志愿服务记录与证明出具办法（试行）》第四条) — are ``RecordEntry`` rows of the same recording organization.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from dangjian.activities.choices import (
    ActivityState,
    AwardLevel,
    CertificateState,
    EvaluationResult,
    HoursSource,
    RecordEntryKind,
    SignUpState,
)
from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet
from dangjian.volunteering.models import InTwoTrees


def new_check_in_token() -> str:
    """A random, URL-safe secret for the check-in link in the QR code (not guessable from the pk)."""
    return secrets.token_urlsafe(16)


class Activity(InTwoTrees):
    """A volunteer activity of an organization in an area, from a project (项目清单) or standalone."""

    project = models.ForeignKey(
        "volunteering.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"))
    skills = models.ManyToManyField(
        "volunteering.Skill", verbose_name=_("skills wanted"), blank=True, related_name="+"
    )
    description = models.TextField(_("description"), blank=True, default="")
    state = models.CharField(
        _("state"), max_length=12, choices=ActivityState.choices, default=ActivityState.DRAFT
    )
    is_public = models.BooleanField(_("shown on the portal"), default=False)
    check_in_token = models.CharField(
        _("check-in token"), max_length=64, default=new_check_in_token, editable=False
    )

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activities_activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="activities_activity_capacity_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["org", "state", "ends_at"], name="activities_act_org_idx"),
            models.Index(fields=["area", "state"], name="activities_act_area_idx"),
            models.Index(fields=["state", "is_public", "starts_at"], name="activities_act_public_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class SignUp(models.Model):
    """A person's sign-up for an activity, their check-in and check-out, and the hours confirmed.

    ``hours`` is proposed from check-out − check-in and may be edited until the organizer confirms
    it; confirming posts the ``HoursRecord``, after which only a correction changes the hours.
    """

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="signups"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=SignUpState.choices, default=SignUpState.SIGNED_UP
    )
    signed_up_at = models.DateTimeField(_("signed up at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity sign-up")
        verbose_name_plural = _("activity sign-ups")
        ordering = ["signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="activities_signup_once_uniq"),
        ]
        indexes = [
            models.Index(fields=["activity", "state"], name="activities_signup_state_idx"),
            models.Index(fields=["person", "state"], name="activities_signup_person_idx"),
            # The 工作台's "hours to confirm" reads only these few rows of a district's million.
            models.Index(
                fields=["activity"],
                condition=Q(
                    state=SignUpState.SIGNED_UP, checked_in_at__isnull=False, confirmed_at__isnull=True
                ),
                name="activities_signup_to_confirm",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "activity__area__path") | scope.q(ORG, "activity__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.activity.audit_scope_paths()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class HoursRecord(models.Model):
    """One line of the hours ledger (志愿服务记录): who served, for which recording organization,
    when, where, what, and the hours actually served — confirmed.

    A correction is a record of its own: ``corrects`` points at the original, ``hours`` is the
    change (negative to reduce), ``reason`` and ``confirmed_by`` say why and who. The effective
    hours of a service are the original's plus its corrections; totals are plain sums.
    """

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("recording organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    served_on = models.DateField(_("served on"))
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    content = models.CharField(_("service content"), max_length=500)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    source = models.CharField(_("source"), max_length=16, choices=HoursSource.choices)
    service_log = models.OneToOneField(
        "dual_reporting.ServiceLog",
        verbose_name=_("双报到 service log"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours_record",
    )
    signup = models.ForeignKey(
        SignUp,
        verbose_name=_("sign-up"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours_records",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hours record")
        verbose_name_plural = _("hours records")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=False) | Q(hours__gt=0), name="activities_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""), name="activities_hours_correction_reason"
            ),
            models.UniqueConstraint(
                fields=["signup"],
                condition=Q(signup__isnull=False, corrects__isnull=True),
                name="activities_hours_one_per_signup_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "served_on"], name="activities_hours_person_idx"),
            models.Index(fields=["org", "served_on"], name="activities_hours_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.served_on} · {self.content} · {self.hours}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None


class Certificate(models.Model):
    """A 志愿服务记录证明: asked by the volunteer, issued free of charge by the organization that
    recorded the service, listing that organization's records of the person (谁记录谁证明).

    What it lists is fixed when it is issued (``records``, ``total_hours``, ``entries``): a later
    correction or entry does not change a certificate already printed; a new one may be asked for.
    ``records`` holds the service rows (with hours, summed in ``total_hours``); ``entries`` the
    training, awards and evaluations the same organization recorded (``RecordEntry``).
    """

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("issuing organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=CertificateState.choices, default=CertificateState.REQUESTED
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True, default="")
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.CharField(_("number"), max_length=40, null=True, blank=True, unique=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    total_hours = models.DecimalField(_("total hours"), max_digits=8, decimal_places=1, null=True, blank=True)
    records = models.JSONField(_("records listed"), default=list, blank=True)
    entries = models.JSONField(_("training, awards and evaluations listed"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer service certificate")
        verbose_name_plural = _("volunteer service certificates")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "org"],
                condition=Q(state="requested"),
                name="activities_certificate_one_open_uniq",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.person} · {self.org}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class RecordEntryQuerySet(ScopedQuerySet):
    def current(self) -> RecordEntryQuerySet:
        """The entries as they stand: each original or its latest correction, not both."""
        later = RecordEntry.objects.filter(
            corrects_id=Coalesce(OuterRef("corrects_id"), OuterRef("pk")), pk__gt=OuterRef("pk")
        )
        return self.filter(~Exists(later))

    def in_effect(self) -> RecordEntryQuerySet:
        """Current entries that were not withdrawn (what a volunteer and a 证明 see)."""
        return self.current().filter(is_withdrawn=False)


class RecordEntry(models.Model):
    """An entry of a volunteer's service record other than service: a training (培训), an award
    (表彰奖励) or an evaluation (评价) — 《志愿服务记录与证明出具办法（试行）》第四条.

    One model with a ``kind`` rather than three: the three share who, the recording organization
    (谁记录谁证明), the date, the title and content, who recorded it and the correction trace,
    and differ by one or two fields each (training hours; an award's body and level; an
    evaluation's period and result), which the service requires per kind. One table also gives
    one list, one permission and one certificate section.

    Never edited: a correction is a new entry with all the fields as they should be, ``corrects``
    pointing at the original, the ``reason`` and who; the latest correction is the entry as it
    stands (``RecordEntry.objects.current()``). An entry made in error is withdrawn by a
    correction with ``is_withdrawn``.
    """

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("recording organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RecordEntryKind.choices)
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    content = models.CharField(_("content or comment"), max_length=500, blank=True, default="")
    training_hours = models.DecimalField(
        _("training hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    awarded_by = models.CharField(_("awarding body"), max_length=200, blank=True, default="")
    award_level = models.CharField(
        _("award level"), max_length=12, choices=AwardLevel.choices, blank=True, default=""
    )
    period = models.CharField(_("period evaluated"), max_length=50, blank=True, default="")
    result = models.CharField(
        _("result"), max_length=12, choices=EvaluationResult.choices, blank=True, default=""
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    is_withdrawn = models.BooleanField(_("withdrawn"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = RecordEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record entry")
        verbose_name_plural = _("service record entries")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""), name="activities_entry_correction_reason"
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=False) | Q(is_withdrawn=False),
                name="activities_entry_withdrawn_by_correction",
            ),
            models.CheckConstraint(
                condition=~Q(kind="training") | Q(training_hours__isnull=False, training_hours__gt=0),
                name="activities_entry_training_hours_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind="award") | ~Q(awarded_by=""), name="activities_entry_award_body"
            ),
            models.CheckConstraint(
                condition=~Q(kind="evaluation") | (~Q(period="") & ~Q(result="")),
                name="activities_entry_evaluation_result",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "occurred_on"], name="activities_entry_person_idx"),
            models.Index(fields=["org", "kind", "occurred_on"], name="activities_entry_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} · {self.get_kind_display()} · {self.title}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")

    @property
    def original_id(self) -> int:
        return self.corrects_id or self.pk

    def details(self) -> str:
        """The kind's own fields in one line (training hours; body and level; period and result)."""
        if self.kind == RecordEntryKind.TRAINING:
            return _("%(hours)s hours of training") % {"hours": self.training_hours}
        if self.kind == RecordEntryKind.AWARD:
            level = self.get_award_level_display()
            return f"{self.awarded_by} · {level}" if level else self.awarded_by
        return f"{self.period} · {self.get_result_display()}"


# --- points (时间银行) ------------------------------------------------------------------------


class PointRule(models.Model):
    """How confirmed hours earn points, per kind of service: points per hour, capped per record."""

    source = models.CharField(_("kind of service"), max_length=16, choices=HoursSource.choices, unique=True)
    points_per_hour = models.DecimalField(_("points per hour"), max_digits=6, decimal_places=2)
    max_points_per_record = models.PositiveIntegerField(_("at most per record"), null=True, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        ordering = ["source"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.points_per_hour}"


class PointAccount(models.Model):
    """A person's points balance; locked while posting or redeeming, never below 0."""

    person = models.OneToOneField(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="point_account"
    )
    balance = models.IntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="activities_points_never_negative")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.balance}"


class RewardItem(InTwoTrees):
    """An item of the 时间银行 catalogue an organization offers for points, while stock lasts."""

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True, default="")
    cost = models.PositiveIntegerField(_("points"))
    stock = models.IntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("reward item")
        verbose_name_plural = _("reward items")
        ordering = ["cost", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="activities_reward_stock_not_negative"),
            models.CheckConstraint(condition=Q(cost__gte=1), name="activities_reward_cost_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """Points exchanged for a catalogue item."""

    item = models.ForeignKey(
        RewardItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="redemptions"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.PositiveIntegerField(_("points"))
    redeemed_at = models.DateTimeField(_("redeemed at"))
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redeemed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-redeemed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.item}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "item__area__path") | scope.q(ORG, "item__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.item.audit_scope_paths()


class PointEntry(models.Model):
    """One line of a points ledger. ``source_key`` is unique: posting the same hours record or
    redemption again finds its line and writes nothing (idempotent)."""

    account = models.ForeignKey(
        PointAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    delta = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=300)
    source_key = models.CharField(_("source"), max_length=64, unique=True)
    hours_record = models.ForeignKey(
        HoursRecord,
        verbose_name=_("hours record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    redemption = models.ForeignKey(
        Redemption,
        verbose_name=_("redemption"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "created_at"], name="activities_points_acct_idx")]

    def __str__(self) -> str:
        return f"{self.delta:+d} · {self.reason}"
