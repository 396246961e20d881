"""The big screen's kept values (``ScreenSnapshot``): what a screen showed, recomputed by the worker.

A wall screen polls every minute; when its values had to be recomputed in the poll, one poll in
ten took 0.6 s at district scale (every headline figure, or the twelve months of trends, over a
year of records). The worker now recomputes the values of every screen read in the last quarter of
an hour (``dashboard.tasks.refresh_screen_snapshots``, each minute), and a poll reads the row.
Values are the node's, whoever reads them: the user's permissions only choose which figures are
shown, so two viewers of one node share a row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreenSnapshot(models.Model):
    """One kept group of a screen's values: the headline figures of a period or a year of trends."""

    class Kind(models.TextChoices):
        VALUES = "values", _("headline figures")
        SERIES = "series", _("monthly trends")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    tree = models.CharField(_("tree"), max_length=8)
    node_id = models.BigIntegerField(_("node"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    figure_keys = models.JSONField(_("figures"), default=list)
    payload = models.JSONField(_("values"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    read_at = models.DateTimeField(_("last read at"), db_index=True)

    class Meta:
        verbose_name = _("big screen values (snapshot)")
        verbose_name_plural = _("big screen values (snapshot)")

    def __str__(self) -> str:
        return self.key
