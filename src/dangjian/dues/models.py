"""Party dues (党费) under 中组发〔2008〕3号: the branch's farmer amount, each member's yearly base
declaration, monthly payments, and applications to pay less or nothing.

Every record is scoped through its member's organization (``member__org__path``), so the branch
keeping the member's ledger keeps the dues, and a transferred member's history moves with them.
The amount rule is ``dangjian.dues.rules.monthly_dues``; ``dues.services`` applies it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.dues.choices import DuesCategory, PaymentMethod, ReductionState
from dangjian.dues.rules import FARMER_MAXIMUM, FARMER_MINIMUM

MONEY = {"max_digits": 12, "decimal_places": 2}


def validate_first_of_month(value) -> None:
    if value is not None and value.day != 1:
        raise ValidationError(_("A dues month is written as its first day."), code="month")


class DuesSetting(models.Model):
    """A branch's dues settings: the fixed monthly amount its 农民 members pay (0.2 to 1 yuan)."""

    org = models.OneToOneField(
        "orgs.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="dues_setting",
    )
    farmer_amount = models.DecimalField(
        _("farmer members' monthly amount"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(FARMER_MINIMUM), MaxValueValidator(FARMER_MAXIMUM)],
        help_text=_("Set by the branch, 0.2 to 1 yuan a month (中组发〔2008〕3号)."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues setting")
        verbose_name_plural = _("dues settings")
        ordering = ["org_id"]

    def __str__(self) -> str:
        return f"{self.org} · {self.farmer_amount}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class DuesDeclaration(models.Model):
    """A member's declared monthly base for one year (在职: after-tax salary; 离退休: pension) and
    the monthly amount it gives; one per member and year (the base is declared yearly)."""

    member = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="dues_declarations",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("dues category"), max_length=16, choices=DuesCategory.choices)
    base = models.DecimalField(_("monthly base"), default=Decimal("0"), **MONEY)
    monthly_amount = models.DecimalField(_("monthly dues"), max_digits=10, decimal_places=2)
    declared_on = models.DateField(_("declared on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues declaration")
        verbose_name_plural = _("dues declarations")
        ordering = ["-year", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="dues_declaration_member_year_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.member} · {self.monthly_amount}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "member__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.member.org.path, "")


class DuesPayment(models.Model):
    """One month's dues of one member: what was due, what was paid (more is allowed), how, and
    the receipt. ``org`` is the organization that collected it (receipt numbers are its own)."""

    member = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="dues_payments",
    )
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("collecting organization"),
        on_delete=models.PROTECT,
        related_name="dues_payments",
    )
    month = models.DateField(_("month"), validators=[validate_first_of_month])
    amount_due = models.DecimalField(_("amount due"), max_digits=10, decimal_places=2)
    amount_paid = models.DecimalField(_("amount paid"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod.choices)
    receipt_number = models.CharField(_("receipt number"), max_length=32, blank=True, default="")
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["-month", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_payment_member_month_uniq"),
            models.UniqueConstraint(
                fields=["org", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="dues_payment_org_receipt_uniq",
            ),
        ]
        indexes = [models.Index(fields=["org", "month"], name="dues_payment_org_month_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.month:%Y-%m} · {self.amount_paid}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "member__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.member.org.path, "")


class DuesReduction(models.Model):
    """An application to pay a reduced amount (减交) or nothing (免交) for a span of months.

    The branch proposes it after discussing it; the next higher 党委 approves (中组发〔2008〕3号;
    DOMAIN.md "Party dues"). Only an approved application changes what is due; a waived month is
    never in arrears.
    """

    member = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="dues_reductions",
    )
    from_month = models.DateField(_("from month"), validators=[validate_first_of_month])
    to_month = models.DateField(_("to month"), validators=[validate_first_of_month])
    is_waiver = models.BooleanField(_("waiver"), default=False)
    # The monthly amount while reduced; unused (None) for a waiver.
    reduced_amount = models.DecimalField(
        _("reduced monthly amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=16, choices=ReductionState.choices, default=ReductionState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True, default="")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues reduction")
        verbose_name_plural = _("dues reductions")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["member", "state"], name="dues_reduction_member_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.from_month:%Y-%m}–{self.to_month:%Y-%m}"

    def covers(self, month) -> bool:
        return self.from_month <= month <= self.to_month

    def clean(self) -> None:
        if self.from_month and self.to_month and self.to_month < self.from_month:
            raise ValidationError({"to_month": _("The last month cannot be before the first month.")})

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "member__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.member.org.path, "")


class ArrearsSnapshot(models.Model):
    """Members in arrears in one organization for the last month that is over, counted by the
    worker (``dues.tasks.refresh_arrears_snapshot``) so a street's or district's 工作台 sums a few
    thousand rows instead of testing every member's payments (core.workbench, "snapshots").

    Every organization gets a row, zero or not, so the rows of a scope say when they were
    counted. A member is visible exactly where their organization is (PartyMember.scope_q and
    Organization.scope_q agree), so summing the rows of the visible organizations gives the
    count the arrears page lists, as of ``computed_at``.
    """

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    behind = models.PositiveIntegerField(default=0)
    six = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("arrears snapshot")
        verbose_name_plural = _("arrears snapshots")
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="dues_arrears_snapshot_uniq")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m}: {self.behind}/{self.six}"
