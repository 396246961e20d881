"""People in their roles: residents of an area, party members of an organization, grid workers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet
from dangjian.members.choices import GridWorkerKind, MemberCategory, MemberStatus


class Resident(models.Model):
    """Where a person lives: a building (or a grid when the building is unknown) and household.

    Household data is limited to what service needs (DOMAIN.md, out of scope on purpose).
    """

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="residences"
    )
    area = models.ForeignKey(
        "orgs.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="residents"
    )
    household = models.CharField(_("household"), max_length=64, blank=True, default="")
    is_current = models.BooleanField(_("current"), default=True)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["area_id", "household", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_current=True), name="members_resident_one_current_home"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.area}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "area__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return ("", self.area.path)


class PartyMember(models.Model):
    """A person's party membership in an organization (the ledger grows in the members issue)."""

    person = models.OneToOneField(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="membership"
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    category = models.CharField(
        _("category"), max_length=16, choices=MemberCategory.choices, default=MemberCategory.EMPLOYED
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    regularized_on = models.DateField(_("became full member on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["org_id", "id"]
        indexes = [models.Index(fields=["org", "status"], name="members_member_org_status_idx")]

    def __str__(self) -> str:
        return str(self.person)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path") | scope.q(AREA, "org__jurisdiction__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class GridWorker(models.Model):
    """A person working a grid: 网格长, 专职 or 兼职网格员."""

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="grid_posts"
    )
    area = models.ForeignKey(
        "orgs.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="grid_workers"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=GridWorkerKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid worker")
        verbose_name_plural = _("grid workers")
        ordering = ["area_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "area__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return ("", self.area.path)
