"""发展党员 records: the steps of the pipeline as versioned data (``RuleSet`` of ``StepDefinition``),
the people in it (``Applicant``) and each dated step (``StepRecord``), after
《中国共产党发展党员工作细则》 (the 2014 text ships; a revised text applies from its own date)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.development.choices import ApplicantSource, ApplicantState, RuleSetState, Stage, StepEffect

DEFAULT_STEP_PERMISSION = "development.change_applicant"


class RuleSetQuerySet(ScopedQuerySet):
    def active(self) -> RuleSetQuerySet:
        return self.filter(state=RuleSetState.ACTIVE)


class RuleSet(models.Model):
    """A version of the pipeline's steps: a name, the document it follows and the date it applies from.

    A step dated on or after ``effective_from`` is judged by the newest active set in force on that
    date whose ``org`` covers the applicant's branch (no ``org``: everywhere); a regional set (an
    ``org`` subtree) wins over a national one of the same date. A record keeps the step — and so
    the set — that judged it: an active set is frozen, a new version is a copy edited as a draft,
    so the revised 细则 of May 2026 never re-judges records made under the 2014 text.
    """

    name = models.CharField(_("name"), max_length=100)
    source = models.CharField(_("source document"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("applies to (organization subtree)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: applies everywhere."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=RuleSetState.choices, default=RuleSetState.DRAFT
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    note = models.TextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("development rule set")
        verbose_name_plural = _("development rule sets")
        ordering = ["-effective_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["name"], name="development_ruleset_unique_name")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        # A national set concerns every branch: whoever may read sets reads it.
        return Q(org__isnull=True) | scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path if self.org_id else "", "")

    def covers(self, org) -> bool:
        return self.org_id is None or org.path.startswith(self.org.path)

    @property
    def is_draft(self) -> bool:
        return self.state == RuleSetState.DRAFT


class StepDefinition(models.Model):
    """One step of the pipeline: its stage, order, who records it, materials, time rules, reminder.

    Belongs to a ``RuleSet``; a region adjusts an interval or a material by copying the set into
    a draft, editing it and activating it, without a release. ``code`` is stable across sets, so a
    file begun under one set continues under the next. ``rules`` is a list of objects the rule
    engine (``development/rules.py``) evaluates; each has a ``kind`` and may have ``text`` (the
    rule in words), ``article`` (its article of the 细则; absent where the text is unconfirmed),
    ``source`` (another document, or 本地规定 for local practice) and ``warning`` (warn, do not
    refuse):

    - ``{"kind": "after", "step": "activist", "min": {"years": 1}, "max": {"months": 3}}``: the
      date lies at least / at most this long after the step ``step`` (which must be recorded);
      ``"plus_extension": true`` adds a recorded probation extension to ``min`` and ``max``;
      ``"max_with_reason": {"months": 6}`` allows up to that with a reason recorded (the value
      ``reason``); ``"warning_without_reason": true`` only warns past ``max`` without a reason;
    - ``{"kind": "min_age", "years": 18}``: the applicant's age on the date;
    - ``{"kind": "league_under", "years": 28}``: under this age the source should be 共青团推优;
    - ``{"kind": "members", "value": "contacts", "min": 1, "max": 2}``: member ids in the value,
      all active 正式党员 (``"count": 2`` for exactly two);
    - ``{"kind": "prior_count", "step": "thought_report", "min": 4}``: earlier records of a step;
    - ``{"kind": "training", "min_days": 3, "min_hours": 24}``: either is enough;
    - ``{"kind": "vote"}``: 支部大会 quorum and majority of the 正式党员 entitled to vote;
    - ``{"kind": "months", "value": "months", "min": 6, "max": 12}``: a number of months.
    """

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="steps"
    )
    code = models.SlugField(_("code"), max_length=40)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    order = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, default="")
    permission = models.CharField(
        _("permission to record"),
        max_length=100,
        default=DEFAULT_STEP_PERMISSION,
        help_text=_("A permission code such as development.change_applicant."),
    )
    materials = models.JSONField(_("required materials"), default=list, blank=True)
    rules = models.JSONField(_("time rules"), default=list, blank=True)
    reminder_days = models.PositiveIntegerField(_("reminder days"), default=7)
    effect = models.CharField(_("effect"), max_length=16, choices=StepEffect.choices, default=StepEffect.NONE)
    is_required = models.BooleanField(_("required"), default=True)
    is_repeatable = models.BooleanField(_("repeatable"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pipeline step")
        verbose_name_plural = _("pipeline steps")
        ordering = ["rule_set_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="development_step_unique_code_in_set")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse rules the engine cannot read, so an admin's typo fails here and not on a step."""
        from django.core.exceptions import ValidationError

        from dangjian.development.rules import RULE_KINDS

        if not isinstance(self.rules, list) or not all(isinstance(rule, dict) for rule in self.rules):
            raise ValidationError({"rules": _("The rules must be a list of objects.")})
        if not isinstance(self.materials, list):
            raise ValidationError({"materials": _("The materials must be a list of names.")})
        codes = set(
            StepDefinition.objects.filter(rule_set_id=self.rule_set_id).values_list("code", flat=True)
        ) | {self.code}
        for rule in self.rules:
            if rule.get("kind") not in RULE_KINDS:
                raise ValidationError(
                    {"rules": _("Unknown rule kind “%(kind)s”.") % {"kind": rule.get("kind")}}
                )
            if "step" in rule and rule["step"] not in codes:
                raise ValidationError({"rules": _("Unknown step “%(code)s”.") % {"code": rule["step"]}})


class ApplicantQuerySet(ScopedQuerySet):
    def open(self) -> ApplicantQuerySet:
        return self.filter(state__in=[ApplicantState.ACTIVE, ApplicantState.ADMITTED])

    def in_subtree(self, org) -> ApplicantQuerySet:
        return self.filter(org__path__startswith=org.path)


class Applicant(models.Model):
    """A person's file in the development pipeline of a branch, from 入党申请 to 转正.

    ``next_step`` / ``next_due_on`` are kept by the services after every change, so the pipeline
    board and the reminders read them instead of evaluating every file's rules.
    """

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="party_applications"
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="applicants"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.APPLICANT)
    state = models.CharField(
        _("state"), max_length=16, choices=ApplicantState.choices, default=ApplicantState.ACTIVE
    )
    source = models.CharField(_("source"), max_length=16, choices=ApplicantSource.choices)
    applied_on = models.DateField(_("applied on"))
    activist_on = models.DateField(_("activist since"), null=True, blank=True)
    candidate_on = models.DateField(_("candidate since"), null=True, blank=True)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    regularized_on = models.DateField(_("became full member on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    member = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    next_step = models.ForeignKey(
        StepDefinition,
        verbose_name=_("next step"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    next_due_on = models.DateField(_("next step due on"), null=True, blank=True)
    # True when next_due_on is a deadline (a maximum interval); False when it is the earliest date.
    next_due_is_deadline = models.BooleanField(_("next date is a deadline"), default=False)
    note = models.TextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = _("development applicant")
        verbose_name_plural = _("development applicants")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["active", "admitted"]),
                name="development_applicant_one_open_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "stage", "next_due_on"], name="development_appl_board_idx"),
            models.Index(fields=["org", "state"], name="development_appl_org_idx"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")

    @property
    def is_open(self) -> bool:
        return self.state in (ApplicantState.ACTIVE, ApplicantState.ADMITTED)

    def is_late(self, today) -> bool:
        return bool(self.next_due_is_deadline and self.next_due_on and self.next_due_on < today)


class StepRecord(models.Model):
    """One dated step of an applicant's file (a talk, a vote, a thought report …) and its values.

    ``values`` holds what the step's rules read: ``contacts`` / ``introducers`` (member ids),
    ``present`` / ``in_favour`` / ``against`` / ``abstain`` (a 支部大会 vote), ``days`` / ``hours``
    (training), ``months`` (an extension).
    """

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="records"
    )
    step = models.ForeignKey(
        StepDefinition, verbose_name=_("step"), on_delete=models.PROTECT, related_name="records"
    )
    date = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    materials = models.JSONField(_("materials"), default=list, blank=True)
    values = models.JSONField(_("values"), default=dict, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True, default="")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("step record")
        verbose_name_plural = _("step records")
        ordering = ["applicant_id", "date", "id"]
        indexes = [models.Index(fields=["applicant", "date"], name="development_rec_date_idx")]

    def __str__(self) -> str:
        return f"{self.step} · {self.date}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "applicant__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.applicant.org.path, "")
