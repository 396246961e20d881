"""A note kept by a party organization: the tiny app's one record type."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet


class Note(models.Model):
    """A dated note of a party organization (the figure counts them per subtree and period)."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    written_on = models.DateField(_("date"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "tiny note"
        verbose_name_plural = "tiny notes"
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")
