"""示范点 (demonstration points): the standards an organization is measured against, its
application with evidence per item, the review, the designation and the periodic re-checks.

Every row sits in the organization tree: a standard set by the organization that issued it (the
district committee for 县级 standards), the rest by the organization that applied or holds the
title. A community secretary applies against standards issued above her, so a *published* set
is also visible to users whose grants lie below its issuer (``StandardSet.scope_q``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.demonstration.choices import (
    OPEN_APPLICATION_STATES,
    ApplicationState,
    DemonstrationLevel,
    DesignationState,
    ItemResult,
    RecheckOutcome,
    SetState,
)
from dangjian.orgs.models import Organization

USER = settings.AUTH_USER_MODEL


def _ancestor_paths(paths: tuple[str, ...]) -> list[str]:
    """Every proper prefix (ancestor node path) of the given node paths."""
    step = Organization.steplen
    found: set[str] = set()
    for path in paths:
        found.update(path[:end] for end in range(step, len(path), step))
    return sorted(found)


class StandardSet(models.Model):
    """A checklist such as 十大标准, issued by an organization for one level, by year and edition.

    A published set that an application uses is never edited: ``services.copy_set`` starts the
    next edition as a draft.
    """

    org = models.ForeignKey(
        Organization, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=16, choices=DemonstrationLevel.choices)
    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    description = models.TextField(_("description"), blank=True, default="")
    state = models.CharField(_("state"), max_length=12, choices=SetState.choices, default=SetState.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("standard set")
        verbose_name_plural = _("standard sets")
        ordering = ["-year", "level", "name", "-edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "level", "name", "year", "edition"], name="demonstration_set_edition_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()} {self.year}·{self.edition}）"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        if scope.is_global:
            return Q()
        above = _ancestor_paths(scope.org_paths)
        return scope.q(ORG, "org__path") | Q(state=SetState.PUBLISHED, org__path__in=above)

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")

    @property
    def is_published(self) -> bool:
        return self.state == SetState.PUBLISHED


class StandardItem(models.Model):
    """One standard of a set: its number, title, what it asks and the evidence it requires."""

    standard_set = models.ForeignKey(
        StandardSet, verbose_name=_("standard set"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    evidence_required = models.TextField(_("evidence required"), blank=True, default="")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("standard item")
        verbose_name_plural = _("standard items")
        ordering = ["standard_set_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["standard_set", "number"], name="demonstration_item_number_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        if scope.is_global:
            return Q()
        above = _ancestor_paths(scope.org_paths)
        return scope.q(ORG, "standard_set__org__path") | Q(
            standard_set__state=SetState.PUBLISHED, standard_set__org__path__in=above
        )

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.standard_set.audit_scope_paths()


class Application(models.Model):
    """An organization's application for a level against a published standard set."""

    org = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    standard_set = models.ForeignKey(
        StandardSet, verbose_name=_("standard set"), on_delete=models.PROTECT, related_name="applications"
    )
    level = models.CharField(_("level"), max_length=16, choices=DemonstrationLevel.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True, default="")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewer = models.ForeignKey(
        USER, verbose_name=_("reviewer"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True, default="")
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("demonstration application")
        verbose_name_plural = _("demonstration applications")
        ordering = ["-created_at", "-id"]
        permissions = [("review_application", _("Can review and decide demonstration applications"))]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "level"],
                condition=Q(state__in=OPEN_APPLICATION_STATES),
                name="demonstration_one_open_application",
            )
        ]
        indexes = [models.Index(fields=["state", "level"], name="demonstration_app_state_idx")]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_level_display()}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_APPLICATION_STATES


class ItemEvidence(models.Model):
    """What the applicant shows for one standard item, and the reviewer's verdict on it."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="evidence"
    )
    item = models.ForeignKey(
        StandardItem, verbose_name=_("standard item"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("evidence"), blank=True, default="")
    result = models.CharField(_("review"), max_length=8, choices=ItemResult.choices, blank=True, default="")
    comment = models.TextField(_("review comment"), blank=True, default="")
    reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("item evidence")
        verbose_name_plural = _("item evidence")
        ordering = ["application_id", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="demonstration_evidence_item_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.item}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "application__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.application.audit_scope_paths()


def evidence_file_path(instance: EvidenceFile, filename: str) -> str:
    """Files live under MEDIA_ROOT with a random name (never served publicly); the name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"demonstration/{instance.evidence.application_id}/{secrets.token_hex(12)}.{extension}"


class EvidenceFile(models.Model):
    """A photo or document backing one item's evidence; downloads go through a scoped view."""

    evidence = models.ForeignKey(
        ItemEvidence, verbose_name=_("item evidence"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=evidence_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, blank=True, default="")
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        USER,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["evidence_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "evidence__application__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.evidence.audit_scope_paths()


class DesignationQuerySet(ScopedQuerySet):
    def active(self) -> DesignationQuerySet:
        return self.filter(state=DesignationState.ACTIVE)

    def active_at(self, day) -> DesignationQuerySet:
        """Designations in force on ``day``: designated by then and not ended by then."""
        return self.filter(since__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))

    def recheck_due(self, today=None) -> DesignationQuerySet:
        return self.active().filter(next_recheck_due__lte=today or timezone.localdate())


class Designation(models.Model):
    """An organization named a 示范点 of a level, until it is revoked or lapses."""

    org = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=16, choices=DemonstrationLevel.choices)
    standard_set = models.ForeignKey(
        StandardSet, verbose_name=_("standard set"), on_delete=models.PROTECT, related_name="designations"
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designation",
    )
    since = models.DateField(_("since"))
    next_recheck_due = models.DateField(_("next re-check due"))
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=DesignationState.choices, default=DesignationState.ACTIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason"), blank=True, default="")
    designated_by = models.ForeignKey(
        USER,
        verbose_name=_("designated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = _("demonstration point")
        verbose_name_plural = _("demonstration points")
        ordering = ["-since", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "level"],
                condition=Q(state="active"),
                name="demonstration_one_active_designation",
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_recheck_due"], name="demonstration_des_due_idx"),
            models.Index(fields=["since", "ended_on"], name="demonstration_des_span_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.org} · {self.get_level_display()}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")

    @property
    def is_active(self) -> bool:
        return self.state == DesignationState.ACTIVE

    def is_recheck_due(self, today=None) -> bool:
        return self.is_active and self.next_recheck_due <= (today or timezone.localdate())


class Recheck(models.Model):
    """A periodic re-check of a designation: per-item results and the outcome."""

    designation = models.ForeignKey(
        Designation, verbose_name=_("demonstration point"), on_delete=models.PROTECT, related_name="rechecks"
    )
    checked_on = models.DateField(_("checked on"))
    outcome = models.CharField(_("outcome"), max_length=8, choices=RecheckOutcome.choices)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, default="")
    checked_by = models.ForeignKey(
        USER, verbose_name=_("checked by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.designation} · {self.checked_on:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "designation__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.designation.audit_scope_paths()


class RecheckResult(models.Model):
    """Whether one standard item is still met at a re-check."""

    recheck = models.ForeignKey(
        Recheck, verbose_name=_("re-check"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(
        StandardItem, verbose_name=_("standard item"), on_delete=models.PROTECT, related_name="+"
    )
    met = models.BooleanField(_("met"))
    comment = models.CharField(_("comment"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("re-check result")
        verbose_name_plural = _("re-check results")
        ordering = ["recheck_id", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["recheck", "item"], name="demonstration_recheck_item_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.recheck} · {self.item}"
