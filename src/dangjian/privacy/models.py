"""Requests to erase a resident's personal data (删除, 个人信息保护法) and who handled them.

The request names its person by key only; after the erasure the person row itself is the
anonymized one, so the request keeps no personal data of its own. Its place in the trees is
copied from the person when it is recorded, so the request stays visible to the staff who
recorded it after the person's data is gone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet
from dangjian.privacy.choices import ErasureRequester, ErasureState


class ErasureRequest(models.Model):
    """One request to erase a person's data: who asked and why, who recorded and who carried it out."""

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    requester = models.CharField(
        _("requested by"), max_length=16, choices=ErasureRequester.choices, default=ErasureRequester.SELF
    )
    requested_on = models.DateField(_("requested on"))
    reason = models.TextField(
        _("basis and reason"),
        help_text=_(
            "Why the data may be erased (consent withdrawn, purpose achieved, …); no personal data here."
        ),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ErasureState.choices, default=ErasureState.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    # Rows changed per personal-data source, e.g. {"service.requests": 3}: counts, never values.
    erased_rows = models.JSONField(_("rows anonymized"), default=dict, blank=True)
    org_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    area_path = models.CharField(max_length=255, blank=True, default="", editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(state="pending"), name="privacy_erasure_one_pending"
            )
        ]
        permissions = [
            ("export_personal_data", _("Can export all personal data held on a person")),
            ("erase_personal_data", _("Can erase a person's personal data on request")),
        ]

    def __str__(self) -> str:
        # No name: the line is read after the person's name is gone.
        return f"{self._meta.verbose_name} #{self.pk}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org_path") | scope.q(AREA, "area_path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org_path, self.area_path)
