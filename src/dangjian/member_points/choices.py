"""Kinds of 党员积分 entries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    POSTED = "posted", _("Posted from records")
    MANUAL = "manual", _("Manual award or deduction")
    REVERSAL = "reversal", _("Reversal")
