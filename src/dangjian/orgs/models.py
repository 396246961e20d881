"""The two linked trees: party organizations and areas (区 → 街道 → 社区 → 网格 → 楼栋), and committees."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, covers_whole_tree
from dangjian.core.tree import TreeNode
from dangjian.orgs.choices import AreaKind, CommitteeRole, DemonstrationLevel, OrgField, OrgKind


class Area(TreeNode):
    """A node of the grid system; a grid carries its boundary polygon and its people."""

    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True, default="")
    note = models.TextField(_("note"), blank=True, default="")
    # Residents living directly in this node, kept by the services that move people; subtree
    # totals are a sum over descendant nodes (thousands of rows) instead of over residents.
    resident_count = models.PositiveIntegerField(_("residents"), default=0, editable=False)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return ("", self.path)


class Organization(TreeNode):
    """A party organization (党委, 党工委, 党总支, 党支部, 党小组 …)."""

    kind = models.CharField(_("kind"), max_length=24, choices=OrgKind.choices)
    field = models.CharField(
        _("field"), max_length=24, choices=OrgField.choices, default=OrgField.URBAN_COMMUNITY
    )
    short_name = models.CharField(_("short name"), max_length=64, blank=True, default="")
    jurisdiction = models.ForeignKey(
        Area,
        verbose_name=_("jurisdiction area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    unit_count = models.PositiveSmallIntegerField(
        _("units covered"),
        default=1,
        help_text=_("For a joint branch: how many units it covers (at most 5)."),
    )
    demonstration_level = models.CharField(
        _("demonstration point"), max_length=16, choices=DemonstrationLevel.choices, blank=True, default=""
    )
    star_rating = models.PositiveSmallIntegerField(_("star rating"), null=True, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    phone = models.CharField(_("office phone"), max_length=32, blank=True, default="")
    address = models.CharField(_("address"), max_length=255, blank=True, default="")
    note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        ordering = ["path"]

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        if covers_whole_tree(cls, scope.org_paths):
            return Q()
        # Users scoped on an area see the organizations whose jurisdiction lies in that area.
        return scope.q(ORG, "path") | scope.q(AREA, "jurisdiction__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.path, self.jurisdiction.path if self.jurisdiction_id else "")

    @property
    def default_term_years(self) -> int:
        """村/社区 organizations and every 基层党委 serve five years, other branches generally three
        (支部工作条例; 党和国家机关基层组织工作条例 第五条 for 基层党委)."""
        if self.kind == OrgKind.PRIMARY_COMMITTEE:
            return 5
        return 5 if self.field in {OrgField.URBAN_COMMUNITY, OrgField.RURAL} else 3


class Committee(models.Model):
    """One term of an organization's committee (支部委员会 / 党委), with its members and roles."""

    org = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="committees"
    )
    elected_on = models.DateField(_("elected on"))
    term_years = models.PositiveSmallIntegerField(_("term (years)"))
    is_current = models.BooleanField(_("current"), default=True)
    note = models.TextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["org_id", "-elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=Q(is_current=True), name="orgs_committee_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.elected_on:%Y}"

    @property
    def term_ends_on(self) -> datetime.date:
        try:
            return self.elected_on.replace(year=self.elected_on.year + self.term_years)
        except ValueError:  # elected on 29 February
            return self.elected_on.replace(year=self.elected_on.year + self.term_years, day=28)

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.org.audit_scope_paths()


class CommitteeMember(models.Model):
    """A person's seat on a committee term."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="seats"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="committee_seats"
    )
    role = models.CharField(_("role"), max_length=24, choices=CommitteeRole.choices)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person"], name="orgs_committeemember_unique_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.committee.audit_scope_paths()


class KeyFigureSnapshot(models.Model):
    """The key figures of a street's or the district's 工作台 (受理量, 按时办结率, 满意率, 三会一课,
    members, grid workers) for one period, computed by the worker
    (``orgs.tasks.refresh_key_figure_snapshot``) so the card does not aggregate a year of records
    on the first visit of the minute (core.workbench, "snapshots"). ``values`` holds every key
    figure by store key, encoded by ``orgs.snapshot`` (a rate keeps its exact decimal)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    values = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("key figures (snapshot)")
        verbose_name_plural = _("key figures (snapshot)")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "period_start", "period_end"], name="orgs_key_figure_snapshot_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.period_start}–{self.period_end}"


# 村 and 社区 organizations: a community pairs with units' organizations, never with another
# community's, which stays outside what its staff may know.
COMMUNITY_FIELDS = (OrgField.URBAN_COMMUNITY, OrgField.RURAL)


def unit_organizations() -> models.QuerySet:
    """Active party organizations of units (机关, 企事业单位, 社会组织, 学校, 医院).

    A community's 共建单位 and a job posting's employer sit outside the subtree of whoever records
    them, so pickers search these across the district; the organizations of other villages and
    communities are not offered, and a guessed id of one is refused like an unknown one.
    """
    return Organization.objects.filter(is_active=True).exclude(field__in=COMMUNITY_FIELDS)
