"""党员积分 (member points): a rule table and the ledger of point entries.

A ``PointRule`` says how many points one unit of a registered point source is worth (a meeting
attended, an hour of confirmed service, a month's dues paid on time, a month holding a post),
with an optional monthly cap, a validity period and an optional organization it is limited to.
A ``PointEntry`` is one line of the ledger: posted from a source's event under a rule, awarded or
deducted by hand with a reason, or a reversal of an earlier entry. Entries are never edited nor
deleted: a correction is a reversing entry. The unique constraint on (rule, source, source id)
makes posting idempotent: re-running it inserts nothing twice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.member_points.choices import EntryKind

POINTS = {"max_digits": 10, "decimal_places": 2}


class PointRule(models.Model):
    """Points per unit of one point source, valid from a day (to a day), for everyone or one subtree."""

    source_key = models.CharField(_("point source"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    points_per_unit = models.DecimalField(_("points per unit"), **POINTS)
    monthly_cap = models.DecimalField(_("monthly cap"), null=True, blank=True, **POINTS)
    active_from = models.DateField(_("active from"))
    active_to = models.DateField(_("active to"), null=True, blank=True)
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("only for organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        ordering = ["source_key", "-active_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_cap__isnull=True) | Q(monthly_cap__gte=0),
                name="member_points_rule_cap_gte0",
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="member_points_rule_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        # Rules for everyone are read by everyone who may read rules; a subtree's rule by its staff.
        if scope.is_global:
            return Q()
        return Q(org__isnull=True) | scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path if self.org_id else "", "")

    def applies_on(self, day: datetime.date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


class PointEntryQuerySet(ScopedQuerySet):
    def in_subtree(self, org) -> PointEntryQuerySet:
        return self.filter(org__path__startswith=org.path)


class PointEntry(models.Model):
    """One line of the points ledger: who, in which organization and month, how many points, why."""

    person = models.ForeignKey(
        "core.Person", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    occurred_on = models.DateField(_("date"))
    rule = models.ForeignKey(
        PointRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    source_key = models.CharField(_("point source"), max_length=64, blank=True, default="")
    source_id = models.CharField(_("record"), max_length=64, blank=True, default="")
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=0)
    points = models.DecimalField(_("points"), **POINTS)
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("point entry")
        verbose_name_plural = _("point entries")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            # Posting is idempotent: one entry per rule and source record (manual entries have no rule).
            models.UniqueConstraint(
                fields=["rule", "source_key", "source_id"], name="member_points_entry_posted_once"
            ),
            models.CheckConstraint(
                condition=~Q(kind="manual") | ~Q(reason=""), name="member_points_entry_manual_reason"
            ),
            models.CheckConstraint(
                condition=~Q(kind="reversal") | Q(reverses__isnull=False), name="member_points_entry_reversal"
            ),
        ]
        indexes = [
            models.Index(fields=["org", "month"], name="member_points_org_month_idx"),
            models.Index(fields=["person", "month"], name="member_points_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.occurred_on:%Y-%m-%d} · {self.points}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")
