"""What administrators configure for service requests: departments (职能部门) and their members,
the category tree, routing rules, 好差评 levels and Open311 keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, Scope, ScopedQuerySet
from dangjian.core.text import to_traditional
from dangjian.core.tree import TreeNode
from dangjian.service.choices import (
    ServiceMode,
    TimeLimitUnit,
)


class Department(models.Model):
    """A functional department (职能部门: 城管, 派出所, 市场监管 …) that handles dispatched requests.

    Its users (``DepartmentMember``) act on the requests dispatched or whistled to it; staff of
    the trees see departments of their area.
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, unique=True)
    # The area the department serves (a district or a street); null: the whole platform.
    area = models.ForeignKey(
        "orgs.Area",
        verbose_name=_("area served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("office phone"), max_length=32, blank=True, default="")
    # 吹哨报到: how soon the department must report (报到) after a whistle.
    report_limit_amount = models.PositiveSmallIntegerField(_("report within"), default=1)
    report_limit_unit = models.CharField(
        _("report limit unit"),
        max_length=16,
        choices=TimeLimitUnit.choices,
        default=TimeLimitUnit.WORKING_DAYS,
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Rises with every edit, so a form saved over someone else's change is refused, not applied.
    version = models.PositiveIntegerField(default=1, editable=False)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="DepartmentMember", related_name="service_departments", blank=True
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        # Departments serving the whole platform or an area above or inside the user's subtrees.
        query = Q(area__isnull=True) | scope.q(AREA, "area__path")
        for path in scope.area_paths:
            query |= Q(area__path__in=[path[:end] for end in range(4, len(path) + 1, 4)])
        return query

    def audit_scope_paths(self) -> tuple[str, str]:
        return ("", self.area.path if self.area_id else "")


class DepartmentMember(models.Model):
    """A user who handles requests for a department."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("department member")
        verbose_name_plural = _("department members")
        ordering = ["department_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "user"], name="service_department_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.user}"


class Category(TreeNode):
    """A kind of request (e.g. 市容环境 → 垃圾清运); the tree is configured by admins.

    Each category says who handles it by default, how long handling may take and in which unit
    (working days, working hours, or calendar days for 全时通 categories), the service mode,
    whether residents may choose it on the portal, and whether its requests are shown publicly.
    """

    description = models.TextField(_("description"), blank=True, default="")
    default_handler_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("default handler organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    default_handler_department = models.ForeignKey(
        Department,
        verbose_name=_("default handler department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    limit_amount = models.PositiveSmallIntegerField(_("time limit"), default=5)
    limit_unit = models.CharField(
        _("time limit unit"), max_length=16, choices=TimeLimitUnit.choices, default=TimeLimitUnit.WORKING_DAYS
    )
    service_mode = models.CharField(
        _("service mode"), max_length=16, choices=ServiceMode.choices, default=ServiceMode.ORDINARY
    )
    is_public = models.BooleanField(_("public on the residents' portal"), default=True)
    # Whether its requests may be seen by anyone: Open311 without a key lists them and the portal's
    # status page shows their text (both redacted, place coarsened; docs/open311.md). Off unless
    # an administrator decides otherwise: personal matters (助残帮扶, 邻里纠纷, family, health)
    # must never appear in a public list.
    requests_public = models.BooleanField(
        _("requests shown publicly"),
        default=False,
        help_text=_(
            "Its requests appear in public outputs (the Open311 list without a key, the portal's "
            "status page), with phone and ID numbers removed and the place coarsened to the "
            "community. Leave it off for personal matters such as 助残帮扶, 邻里纠纷, family or health."
        ),
    )

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_handler_org__isnull=True) | Q(default_handler_department__isnull=True),
                name="service_category_one_default_handler",
            ),
        ]

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return Q()  # configuration every user may read

    def audit_scope_paths(self) -> tuple[str, str]:
        return ("", "")


class RoutingRule(models.Model):
    """Who handles a category's requests in an area (category × area → handler).

    The most specific rule wins: the deepest area, then the deepest category; without a rule the
    category's default handler applies. Changes are audited (the rule's history page reads them).
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="routes"
    )
    area = models.ForeignKey("orgs.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    handler_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("handler organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler_department = models.ForeignKey(
        Department,
        verbose_name=_("handler department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category_id", "area_id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "area"], name="service_routing_rule_unique"),
            models.CheckConstraint(
                condition=(Q(handler_org__isnull=False) & Q(handler_department__isnull=True))
                | (Q(handler_org__isnull=True) & Q(handler_department__isnull=False)),
                name="service_routing_rule_one_handler",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.area}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "area__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return ("", self.area.path)


# The seeded 好差评 levels (migration 0002): their stored name and their translated label.
SEEDED_RATING_LABELS = {
    "very_satisfied": ("非常满意", _("Very satisfied")),
    "satisfied": ("满意", _("Satisfied")),
    "fairly_satisfied": ("基本满意", _("Fairly satisfied")),
    "dissatisfied": ("不满意", _("Dissatisfied")),
    "very_dissatisfied": ("非常不满意", _("Very dissatisfied")),
}


class RatingLevel(models.Model):
    """One level of 好差评 (非常满意 … 非常不满意); configurable, ``is_bad`` marks a 差评."""

    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=32)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_bad = models.BooleanField(_("counts as a bad rating (差评)"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language.

        A seeded level keeps its catalog translation while its name is unchanged; a level an
        admin named is shown as entered, in traditional characters to a zh-Hant reader.
        """
        seeded = SEEDED_RATING_LABELS.get(self.code)
        if seeded is not None and seeded[0] == self.name:
            return str(seeded[1])
        if (get_language() or "").lower().startswith("zh-hant"):
            return to_traditional(self.name)
        return self.name


class Open311Key(models.Model):
    """An API key for an Open311 client; only its hash is stored (the key is printed once)."""

    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
