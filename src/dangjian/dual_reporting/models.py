"""双报到: in-service members reporting to the community where they live, unit party
organizations paired with a community (共建单位), what they claimed, the service they logged and
the community's yearly feedback to the unit.

Every record is seen from two sides (DOMAIN.md, "双报到"): the community (its area subtree and
its party organization) and the unit (the member's organization, or the paired organization).
``scope_q`` therefore ORs both, and ``audit_scope_paths`` returns the unit's org path with the
community's area path, so ``check_perm`` passes for staff of either side.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet
from dangjian.dual_reporting.choices import ClaimKind, ClaimState, FeedbackRating, ReportState


def _sides_q(scope: Scope, prefix: str, unit_lookup: str) -> Q:
    """Rows visible to the community side (area, community org) or the unit side (``unit_lookup``)."""
    return (
        scope.q(AREA, f"{prefix}community__path")
        | scope.q(ORG, f"{prefix}community_org__path")
        | scope.q(ORG, f"{prefix}{unit_lookup}")
    )


class MemberReport(models.Model):
    """An in-service (在职) party member's report to the community where they live (到社区报到).

    The member keeps their party relationship in their unit's organization; the community
    records what they offer (skills, willingness, commitments) and what they then claim and
    serve. One active report per member; an ended report stays as history.
    """

    member = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="community_reports",
    )
    community = models.ForeignKey(
        "orgs.Area",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="member_reports",
        limit_choices_to={"kind": "community"},
    )
    community_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("community party organization"),
        on_delete=models.PROTECT,
        related_name="received_member_reports",
        null=True,
        blank=True,
    )
    reported_on = models.DateField(_("reported on"))
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.ACTIVE
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    skills = models.TextField(_("skills"), blank=True, default="")
    willingness = models.TextField(_("willingness to serve"), blank=True, default="")
    commitments = models.TextField(_("commitments"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("member report")
        verbose_name_plural = _("member reports")
        ordering = ["-reported_on", "-id"]
        permissions = [("report_self", _("Can report oneself to one's residential community"))]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state="active"),
                name="dual_reporting_report_one_active_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "state"], name="dual_reporting_report_comm_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.community}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _sides_q(scope, "", "member__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.member.org.path, self.community.path)

    @property
    def unit_org(self):
        """The organization the yearly feedback goes to: the member's own (unit) organization."""
        return self.member.org

    @property
    def is_active(self) -> bool:
        return self.state == ReportState.ACTIVE


class UnitPairing(models.Model):
    """A unit's party organization paired with a community (共建单位, 单位党组织到社区报到)."""

    unit_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("unit party organization"),
        on_delete=models.PROTECT,
        related_name="community_pairings",
    )
    community = models.ForeignKey(
        "orgs.Area",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="unit_pairings",
        limit_choices_to={"kind": "community"},
    )
    community_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("community party organization"),
        on_delete=models.PROTECT,
        related_name="received_pairings",
        null=True,
        blank=True,
    )
    agreement = models.TextField(_("agreement"), blank=True, default="")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit pairing")
        verbose_name_plural = _("unit pairings")
        ordering = ["-since", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_org", "community"],
                condition=Q(state="active"),
                name="dual_reporting_pairing_one_active_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_org} ↔ {self.community}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _sides_q(scope, "", "unit_org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.unit_org.path, self.community.path)

    @property
    def is_active(self) -> bool:
        return self.state == ReportState.ACTIVE


class OnReportOrPairing(models.Model):
    """A record belonging to exactly one member report or one unit pairing."""

    report = models.ForeignKey(
        MemberReport,
        verbose_name=_("member report"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    pairing = models.ForeignKey(
        UnitPairing,
        verbose_name=_("unit pairing"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _sides_q(scope, "report__", "member__org__path") | _sides_q(
            scope, "pairing__", "unit_org__path"
        )

    @property
    def subject(self) -> MemberReport | UnitPairing:
        return self.report if self.report_id else self.pairing

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.subject.audit_scope_paths()


def _one_subject(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(report__isnull=False, pairing__isnull=True)
        | Q(report__isnull=True, pairing__isnull=False),
        name=name,
    )


class Claim(OnReportOrPairing):
    """Something a reported member or a paired unit took on (认领): a post, project or need.

    Self-contained for now: the volunteering app with real posts and projects comes later and
    will link here.
    """

    report = models.ForeignKey(
        MemberReport,
        verbose_name=_("member report"),
        on_delete=models.PROTECT,
        related_name="claims",
        null=True,
        blank=True,
    )
    pairing = models.ForeignKey(
        UnitPairing,
        verbose_name=_("unit pairing"),
        on_delete=models.PROTECT,
        related_name="claims",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ClaimKind.choices, default=ClaimKind.POST)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    state = models.CharField(
        _("state"), max_length=16, choices=ClaimState.choices, default=ClaimState.CLAIMED
    )
    claimed_on = models.DateField(_("claimed on"))
    finished_on = models.DateField(_("finished on"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-claimed_on", "-id"]
        constraints = [_one_subject("dual_reporting_claim_one_subject")]

    def __str__(self) -> str:
        return self.title


class ServiceLog(OnReportOrPairing):
    """Hours of service a reported member or a paired unit gave the community, confirmed by its staff."""

    report = models.ForeignKey(
        MemberReport,
        verbose_name=_("member report"),
        on_delete=models.PROTECT,
        related_name="service_logs",
        null=True,
        blank=True,
    )
    pairing = models.ForeignKey(
        UnitPairing,
        verbose_name=_("unit pairing"),
        on_delete=models.PROTECT,
        related_name="service_logs",
        null=True,
        blank=True,
    )
    claim = models.ForeignKey(
        Claim,
        verbose_name=_("claim"),
        on_delete=models.PROTECT,
        related_name="service_logs",
        null=True,
        blank=True,
    )
    served_on = models.DateField(_("served on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    description = models.TextField(_("what was done"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service log")
        verbose_name_plural = _("service logs")
        ordering = ["-served_on", "-id"]
        constraints = [
            _one_subject("dual_reporting_log_one_subject"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="dual_reporting_log_hours_positive"),
        ]
        indexes = [
            models.Index(fields=["report", "served_on"], name="dual_reporting_log_report_idx"),
            models.Index(fields=["pairing", "served_on"], name="dual_reporting_log_pairing_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.served_on} · {self.hours}h"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class YearlyFeedback(OnReportOrPairing):
    """The community's yearly feedback (年度反馈) on a reported member or a paired unit, sent to
    the unit's party organization: once per report or pairing and year."""

    report = models.ForeignKey(
        MemberReport,
        verbose_name=_("member report"),
        on_delete=models.PROTECT,
        related_name="feedback",
        null=True,
        blank=True,
    )
    pairing = models.ForeignKey(
        UnitPairing,
        verbose_name=_("unit pairing"),
        on_delete=models.PROTECT,
        related_name="feedback",
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rating = models.CharField(_("rating"), max_length=16, choices=FeedbackRating.choices)
    text = models.TextField(_("feedback"), blank=True, default="")
    to_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="received_dual_feedback",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("yearly feedback")
        verbose_name_plural = _("yearly feedback")
        ordering = ["-year", "-id"]
        constraints = [
            _one_subject("dual_reporting_feedback_one_subject"),
            models.UniqueConstraint(
                fields=["report", "year"], name="dual_reporting_feedback_report_year_uniq"
            ),
            models.UniqueConstraint(
                fields=["pairing", "year"], name="dual_reporting_feedback_pairing_year_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_rating_display()}"
