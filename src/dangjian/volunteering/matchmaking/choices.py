"""Choices of the matching pages: the states of a batch proposal (匹配方案)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposalState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("matching proposal state", "Draft")
    ACCEPTED = "accepted", pgettext_lazy("matching proposal state", "Accepted")
    DISCARDED = "discarded", pgettext_lazy("matching proposal state", "Discarded")


class DistanceLevel(models.IntegerChoices):
    """How near a volunteer lives to a need, by the area tree (scoring.SAME_GRID …)."""

    ELSEWHERE = 0, _("Outside the street")
    SAME_STREET = 1, _("Same street")
    SAME_COMMUNITY = 2, _("Same community")
    SAME_GRID = 3, _("Same grid")
