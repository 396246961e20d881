"""Choices of 帮扶对子 (help pairs): what a cadre or member is paired with, and the pair's state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PairKind(models.TextChoices):
    FAMILY = "family", _("Family")  # a household in difficulty (困难家庭)
    ENTERPRISE = "enterprise", _("Enterprise")
    VILLAGE = "village", _("Village or community")


class PairState(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
