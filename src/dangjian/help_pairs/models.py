"""帮扶对子: a cadre or party member (the helper) paired with a family, an enterprise or a village
or community, and the visits that follow (DOMAIN.md, "Volunteer service").

A pair sits in both trees: the area of what is helped (the family's home, the enterprise's place,
the village itself) and the organization that owns the pair. ``scope_q`` ORs the two, so the
community's staff and the owning organization's staff both see it. ``next_visit_due`` is kept by
the service functions (last visit, or the start, plus the interval), so "overdue" is one indexed
comparison on both databases instead of date arithmetic in SQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet
from dangjian.help_pairs.choices import PairKind, PairState


class HelpPairQuerySet(ScopedQuerySet):
    def active(self) -> HelpPairQuerySet:
        return self.filter(state=PairState.ACTIVE)

    def overdue(self, today=None) -> HelpPairQuerySet:
        """Active pairs whose next visit was due before ``today``."""
        return self.active().filter(next_visit_due__lt=today or timezone.localdate())


class HelpPair(models.Model):
    """A helper (干部 or 党员, a Person) paired with a family, an enterprise or a village/community."""

    helper = models.ForeignKey(
        "core.Person", verbose_name=_("helper"), on_delete=models.PROTECT, related_name="help_pairs_given"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PairKind.choices)
    family_head = models.ForeignKey(
        "core.Person",
        verbose_name=_("head of household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_pairs_received",
    )
    enterprise_name = models.CharField(_("enterprise"), max_length=200, blank=True, default="")
    area = models.ForeignKey("orgs.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    visit_interval_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=30)
    state = models.CharField(_("state"), max_length=8, choices=PairState.choices, default=PairState.ACTIVE)
    last_visited_on = models.DateField(_("last visited on"), null=True, blank=True)
    next_visit_due = models.DateField(_("next visit due"))
    note = models.TextField(_("note"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = HelpPairQuerySet.as_manager()

    class Meta:
        verbose_name = _("help pair")
        verbose_name_plural = _("help pairs")
        ordering = ["-since", "-id"]
        permissions = [("log_own_visit", _("Can log visits to one's own help pairs"))]
        indexes = [
            models.Index(fields=["state", "next_visit_due"], name="help_pairs_pair_due_idx"),
            models.Index(fields=["helper", "state"], name="help_pairs_pair_helper_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.target_name}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "area__path") | scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, self.area.path)

    @property
    def target_name(self) -> str:
        """What is helped: the household (by its head), the enterprise, or the village/community."""
        if self.kind == PairKind.FAMILY and self.family_head_id:
            return str(self.family_head)
        if self.kind == PairKind.ENTERPRISE:
            return self.enterprise_name
        return self.area.name

    @property
    def is_active(self) -> bool:
        return self.state == PairState.ACTIVE

    def is_overdue(self, today=None) -> bool:
        return self.is_active and self.next_visit_due < (today or timezone.localdate())


class VisitQuerySet(ScopedQuerySet):
    pass


class Visit(models.Model):
    """One visit of a helper to what they help: what was found, problems raised and solved."""

    pair = models.ForeignKey(
        HelpPair, verbose_name=_("help pair"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    findings = models.TextField(_("what was found"), blank=True, default="")
    problems_raised = models.TextField(_("problems raised"), blank=True, default="")
    problems_raised_count = models.PositiveSmallIntegerField(_("number of problems raised"), default=0)
    problems_solved = models.TextField(_("problems solved"), blank=True, default="")
    problems_solved_count = models.PositiveSmallIntegerField(_("number of problems solved"), default=0)
    next_steps = models.TextField(_("next steps"), blank=True, default="")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("help visit")
        verbose_name_plural = _("help visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["pair", "visited_on"], name="help_pairs_visit_pair_idx")]

    def __str__(self) -> str:
        return f"{self.pair} · {self.visited_on:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "pair__area__path") | scope.q(ORG, "pair__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.pair.audit_scope_paths()
