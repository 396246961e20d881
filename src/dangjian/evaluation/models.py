"""评星定级 records: rating schemes (items, star thresholds, caps), rounds, each rated
organization's assessment with its item scores and evidence, objections during 公示, the stars
each organization earned per year, and the 整改 plan of a demoted organization (DOMAIN.md,
"Evaluation").

Schemes belong to the organization that wrote them (a district or street committee) and are
scoped through it; rounds through their root organization; assessments, scores, evidence, star
records and 整改 plans through the rated organization, so a community secretary sees her own.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.evaluation.choices import (
    AssessmentStatus,
    ItemKind,
    Movement,
    ObjectionStatus,
    PointsMapping,
    RoundStatus,
    SchemeStatus,
)
from dangjian.evaluation.rules import ItemRule
from dangjian.orgs.choices import OrgField, OrgKind

POINTS = {"max_digits": 8, "decimal_places": 2}
VALUE = {"max_digits": 16, "decimal_places": 4}
USER = settings.AUTH_USER_MODEL


def plain(number: Decimal | None) -> str:
    """A decimal without trailing zeros and never in exponent form (20, 0.95, 3.5)."""
    if number is None:
        return ""
    return format(number.normalize(), "f")


class RatingScheme(models.Model):
    """A 评星定级 scheme for one year and one field of organizations (社区党组织, 机关党组织, …)."""

    owner = models.ForeignKey(
        "orgs.Organization", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    org_field = models.CharField(_("field of organizations"), max_length=24, choices=OrgField.choices)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    base_points = models.DecimalField(_("base points"), default=Decimal("200"), **POINTS)
    description = models.TextField(_("description"), blank=True, default="")
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    row_version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating scheme")
        verbose_name_plural = _("rating schemes")
        ordering = ["-year", "org_field", "-version", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "org_field", "version"], name="evaluation_scheme_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}，v{self.version}）"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "owner__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.owner.path, "")


class Category(models.Model):
    """A group of items of a scheme (组织建设, 服务群众, …) with its maximum points."""

    scheme = models.ForeignKey(
        RatingScheme, verbose_name=_("rating scheme"), on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("name"), max_length=100)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rating category")
        verbose_name_plural = _("rating categories")
        ordering = ["scheme_id", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One scored item: auto (from a figure, or the ratio of two), manual or a deduction."""

    scheme = models.ForeignKey(
        RatingScheme, verbose_name=_("rating scheme"), on_delete=models.CASCADE, related_name="items"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    figure_key = models.CharField(_("figure"), max_length=100, blank=True, default="")
    denominator_key = models.CharField(_("denominator figure"), max_length=100, blank=True, default="")
    mapping = models.CharField(
        _("mapping"), max_length=12, choices=PointsMapping.choices, default=PointsMapping.LINEAR
    )
    target = models.DecimalField(_("target value"), null=True, blank=True, **VALUE)
    bands = models.JSONField(_("bands"), default=list, blank=True)
    per_unit = models.DecimalField(_("points per unit"), null=True, blank=True, **VALUE)
    description = models.TextField(_("how it is scored"), blank=True, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rating item")
        verbose_name_plural = _("rating items")
        ordering = ["scheme_id", "category__order", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_auto(self) -> bool:
        return bool(self.figure_key) and self.kind in (ItemKind.AUTO, ItemKind.DEDUCTION)

    def rule(self) -> ItemRule:
        return ItemRule(
            kind=self.kind,
            max_points=self.max_points,
            mapping=self.mapping,
            target=self.target,
            bands=tuple((Decimal(str(t)), Decimal(str(p))) for t, p in (self.bands or [])),
            per_unit=self.per_unit,
        )


class StarThreshold(models.Model):
    """The least total that earns ``stars`` (1–5) under a scheme."""

    scheme = models.ForeignKey(
        RatingScheme, verbose_name=_("rating scheme"), on_delete=models.CASCADE, related_name="thresholds"
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    min_total = models.DecimalField(_("least total"), **POINTS)

    class Meta:
        verbose_name = _("star threshold")
        verbose_name_plural = _("star thresholds")
        ordering = ["scheme_id", "-stars"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "stars"], name="evaluation_threshold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ ≥ {self.min_total}"


class Cap(models.Model):
    """ "If the value of item X (or of figure X) is below v, the stars are at most n"."""

    scheme = models.ForeignKey(
        RatingScheme, verbose_name=_("rating scheme"), on_delete=models.CASCADE, related_name="caps"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), null=True, blank=True, on_delete=models.CASCADE, related_name="caps"
    )
    figure_key = models.CharField(_("figure"), max_length=100, blank=True, default="")
    below = models.DecimalField(_("when the value is below"), **VALUE)
    max_stars = models.PositiveSmallIntegerField(
        _("stars at most"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("star cap")
        verbose_name_plural = _("star caps")
        ordering = ["scheme_id", "id"]

    def __str__(self) -> str:
        what = self.item.name if self.item_id else self.figure_key
        return f"{what} < {self.below} → ≤{self.max_stars}★"


class RatingRoundQuerySet(ScopedQuerySet):
    pass


class RatingRound(models.Model):
    """One rating of the organizations of a kind under ``root`` for a year, with its 公示."""

    scheme = models.ForeignKey(
        RatingScheme, verbose_name=_("rating scheme"), on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    root = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organizations under"), on_delete=models.PROTECT, related_name="+"
    )
    rated_kind = models.CharField(
        _("kind of organizations rated"),
        max_length=24,
        choices=OrgKind.choices,
        default=OrgKind.PRIMARY_COMMITTEE,
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    publicity_days = models.PositiveSmallIntegerField(
        _("public notice days"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    publicity_start = models.DateField(_("public notice from"), null=True, blank=True)
    publicity_end = models.DateField(_("public notice until"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    scheme_version = models.PositiveSmallIntegerField(_("scheme version used"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    row_version = models.PositiveIntegerField(default=1, editable=False)

    objects = RatingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating round")
        verbose_name_plural = _("rating rounds")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["status", "year"], name="evaluation_round_status_idx")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        """The round's root in scope, or one of the organizations it rates (a community secretary
        sees the district's round her community is rated in)."""
        rated = Assessment.objects.filter(scope.q(ORG, "org__path")).values("round_id")
        return scope.q(ORG, "root__path") | Q(pk__in=rated)

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.root.path, "")

    @property
    def period(self):
        from datetime import timedelta

        from dangjian.core.periods import Period

        return Period(self.period_start, self.period_end + timedelta(days=1))

    @property
    def is_public(self) -> bool:
        return self.status in (RoundStatus.PUBLICITY, RoundStatus.FINAL)


class Assessment(models.Model):
    """One organization rated in a round: its self-assessment, the total and the stars."""

    round = models.ForeignKey(
        RatingRound, verbose_name=_("rating round"), on_delete=models.CASCADE, related_name="assessments"
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.PENDING
    )
    self_assessment = models.TextField(_("self-assessment"), blank=True, default="")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    total = models.DecimalField(_("total points"), null=True, blank=True, **POINTS)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    uncapped_stars = models.PositiveSmallIntegerField(_("stars before caps"), null=True, blank=True)
    caps_applied = models.JSONField(_("caps applied"), default=list, blank=True)
    cap_values = models.JSONField(_("values of capped figures"), default=dict, blank=True)
    previous_stars = models.PositiveSmallIntegerField(_("previous stars"), null=True, blank=True)
    movement = models.CharField(_("movement"), max_length=8, choices=Movement.choices, blank=True, default="")
    row_version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["round_id", "org__path"]
        permissions = [("review_assessment", _("Can review assessments"))]
        constraints = [models.UniqueConstraint(fields=["round", "org"], name="evaluation_assessment_unique")]

    def __str__(self) -> str:
        return f"{self.org} · {self.round}"

    @property
    def star_string(self) -> str:
        return "★" * (self.stars or 0)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class ItemScore(models.Model):
    """An assessment's score on one item: the frozen auto value and points, the self-score,
    the reviewer's points and comment, and the final points."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), null=True, blank=True, **VALUE)
    numerator = models.DecimalField(_("figure value"), null=True, blank=True, **VALUE)
    denominator = models.DecimalField(_("denominator value"), null=True, blank=True, **VALUE)
    flag = models.CharField(_("flag"), max_length=16, blank=True, default="")
    auto_points = models.DecimalField(_("computed points"), null=True, blank=True, **POINTS)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    scheme_version = models.PositiveSmallIntegerField(_("scheme version"), null=True, blank=True)
    self_points = models.DecimalField(_("self-assessed points"), null=True, blank=True, **POINTS)
    self_note = models.TextField(_("self-assessment note"), blank=True, default="")
    reviewer_points = models.DecimalField(_("reviewer's points"), null=True, blank=True, **POINTS)
    review_comment = models.TextField(_("reviewer's comment"), blank=True, default="")
    final_points = models.DecimalField(_("final points"), null=True, blank=True, **POINTS)
    row_version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["assessment_id", "item__category__order", "item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="evaluation_score_unique")]

    def __str__(self) -> str:
        return f"{self.assessment.org} · {self.item}"

    @property
    def value_text(self) -> str:
        return plain(self.value)

    @property
    def numerator_text(self) -> str:
        return plain(self.numerator)

    @property
    def denominator_text(self) -> str:
        return plain(self.denominator)

    @property
    def reviewer_text(self) -> str:
        """The reviewer's points as entered (a deduction's points without the sign)."""
        return plain(abs(self.reviewer_points)) if self.reviewer_points is not None else ""

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "assessment__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.assessment.audit_scope_paths()


def evidence_path(instance: Evidence, filename: str) -> str:
    """Evidence lives under MEDIA_ROOT with a random name; the original name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evaluation/evidence/{instance.score_id}/{secrets.token_hex(12)}.{extension}"


class Evidence(models.Model):
    """A file proving a self-assessed item (a photo, minutes, a ledger), downloaded only by
    those who see the assessment."""

    score = models.ForeignKey(
        ItemScore, verbose_name=_("item score"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        USER,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["score_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "score__assessment__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.score.audit_scope_paths()


class Objection(models.Model):
    """An objection raised during 公示 by anyone (a name and the text); staff answer it and the
    answer is shown on the public page. The writer's contact, if given, is never shown."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="objections"
    )
    name = models.CharField(_("name"), max_length=50)
    contact = models.CharField(_("contact (not published)"), max_length=50, blank=True, default="")
    text = models.TextField(_("objection"))
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True, default="")
    answered_by = models.ForeignKey(
        USER,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} · {self.assessment.org}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "assessment__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.assessment.audit_scope_paths()


class OrgStarRecord(models.Model):
    """The stars an organization was given for a year by a finished round (its star history)."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    stars = models.PositiveSmallIntegerField(_("stars"))
    round = models.ForeignKey(
        RatingRound, verbose_name=_("rating round"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("star record")
        verbose_name_plural = _("star records")
        ordering = ["org_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="evaluation_star_record_unique")]
        indexes = [models.Index(fields=["year", "stars"], name="evaluation_star_year_idx")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}: {self.stars}★"

    @property
    def star_string(self) -> str:
        return "★" * self.stars

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class Rectification(models.Model):
    """The 整改 plan of an organization whose stars went down: tasks with owners and deadlines."""

    assessment = models.OneToOneField(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="rectification"
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    problems = models.TextField(_("problems found"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.org} · {self.assessment.round.year}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class RectificationTask(models.Model):
    """One 整改 task: what, who, and the deadline counted in working days."""

    plan = models.ForeignKey(
        Rectification, verbose_name=_("rectification plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    owner = models.CharField(_("owner"), max_length=50)
    working_days = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER,
        verbose_name=_("marked done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        ordering = ["plan_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "plan__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.plan.audit_scope_paths()
