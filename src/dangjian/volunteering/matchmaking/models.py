"""A batch proposal (匹配方案): the optimal assignment of a street's or community's open needs to
volunteers, kept as pairs the coordinator edits and then accepts in one transaction.

A proposal sits in the area tree at its scope (a street or a community) and is read and changed
under ``volunteering.change_need`` there: it is a tool for whoever assigns needs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, Scope, ScopedQuerySet
from dangjian.volunteering.matchmaking.choices import DistanceLevel, ProposalState

NEED_PERMISSION = "volunteering.change_need"


class MatchProposal(models.Model):
    """The solver's assignment for the open needs of one area, as the coordinator edits it."""

    area = models.ForeignKey("orgs.Area", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=12, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    open_needs = models.PositiveIntegerField(_("open needs"), default=0)
    volunteers_considered = models.PositiveIntegerField(_("volunteers considered"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("matching proposal")
        verbose_name_plural = _("matching proposals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "state"], name="volunteering_proposal_area_idx")]

    def __str__(self) -> str:
        return f"{self.area} · {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else str(self.area)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "area__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return ("", self.area.path)


class ProposedPair(models.Model):
    """One need and the volunteer proposed for it, with the parts of the fit (the reasons)."""

    proposal = models.ForeignKey(
        MatchProposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="pairs"
    )
    need = models.ForeignKey(
        "volunteering.Need", verbose_name=_("need"), on_delete=models.CASCADE, related_name="+"
    )
    volunteer = models.ForeignKey(
        "volunteering.Volunteer", verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    skill_matched = models.PositiveSmallIntegerField(_("skills matched"), default=0)
    skill_wanted = models.PositiveSmallIntegerField(_("skills asked"), default=0)
    distance = models.PositiveSmallIntegerField(
        _("distance"), choices=DistanceLevel.choices, default=DistanceLevel.SAME_STREET
    )
    slots_overlap = models.PositiveSmallIntegerField(_("overlapping slots"), default=0)
    load = models.PositiveSmallIntegerField(_("needs held"), default=0)
    slots = models.PositiveSmallIntegerField(_("needs at once"), default=1)

    class Meta:
        verbose_name = _("proposed pair")
        verbose_name_plural = _("proposed pairs")
        ordering = ["proposal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "need"], name="volunteering_pair_need_uniq"),
        ]
        indexes = [models.Index(fields=["proposal", "volunteer"], name="volunteering_pair_vol_idx")]

    def __str__(self) -> str:
        return f"{self.need} → {self.volunteer}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "proposal__area__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.proposal.audit_scope_paths()

    @property
    def cost(self) -> int:
        from dangjian.volunteering.matchmaking.scoring import MAX_SCORE

        return MAX_SCORE - self.score

    def fit(self, *, need_any_time: bool):
        from dangjian.volunteering.matchmaking.scoring import Fit

        return Fit(
            skill_matched=self.skill_matched,
            skill_wanted=self.skill_wanted,
            distance=self.distance,
            slots_overlap=self.slots_overlap,
            need_any_time=need_any_time,
            load=self.load,
            slots=self.slots,
        )
