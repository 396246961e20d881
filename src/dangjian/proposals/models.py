"""网上提议: proposals residents (phone-verified on the portal) and members make to a community's
party organization, the support others give once each, the threshold that asks the organization
for a response, and the response (DOMAIN.md, "Communication and participation").

A proposal sits at an organization; its staff see, answer and moderate it. The proposal, its
state, support count and response are public on the portal, the proposer's name masked. A
resident is known only by the name they gave and their phone's keyed hash (never the number).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.core.search import search_tokens
from dangjian.proposals.choices import ProposalState

DEFAULT_THRESHOLD = 30


class Threshold(models.Model):
    """How many supports move an organization's proposals to "awaiting response" (default 30)."""

    org = models.OneToOneField(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    supports_needed = models.PositiveIntegerField(_("supports needed"), default=DEFAULT_THRESHOLD)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal threshold")
        verbose_name_plural = _("proposal thresholds")
        ordering = ["org_id"]
        constraints = [
            models.CheckConstraint(condition=Q(supports_needed__gte=1), name="proposals_threshold_positive")
        ]

    def __str__(self) -> str:
        return f"{self.org_id}: {self.supports_needed}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class Proposal(models.Model):
    """A proposal (提议) to an organization: title, text, the area it concerns, supports, response."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "orgs.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("proposal"))
    # The proposer: a member's person, or a resident by the name they gave and their phone's hash.
    proposer_person = models.ForeignKey(
        "core.Person",
        verbose_name=_("proposer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposer_name = models.CharField(_("proposer's name"), max_length=50, blank=True, default="")
    proposer_phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=ProposalState.choices, default=ProposalState.OPEN
    )
    supports = models.PositiveIntegerField(_("supports"), default=0)
    threshold = models.PositiveIntegerField(_("supports needed"), default=DEFAULT_THRESHOLD)
    reached_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True, default="")
    response_link = models.CharField(
        _("follow-up"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Such as the number of the service request or the deliberation topic it became."),
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    search_tokens = models.TextField(blank=True, default="", editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "state"], name="proposals_proposal_org_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_tokens = search_tokens(self.title, self.text[:2000])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_tokens"}
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class Support(models.Model):
    """One support (附议) of a proposal: a member once per person, a resident once per phone."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="support_rows"
    )
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("supported at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "person"],
                condition=Q(person__isnull=False),
                name="proposals_support_once_person",
            ),
            models.UniqueConstraint(
                fields=["proposal", "phone_hash"],
                condition=~Q(phone_hash=""),
                name="proposals_support_once_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "proposal__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.proposal.audit_scope_paths()
