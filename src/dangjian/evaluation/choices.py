"""Enumerations of 评星定级: scheme and round states, item kinds, value-to-points mappings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ItemKind(models.TextChoices):
    AUTO = "auto", _("Computed from records")
    MANUAL = "manual", _("Scored by a reviewer")
    DEDUCTION = "deduction", _("Deduction")


class PointsMapping(models.TextChoices):
    LINEAR = "linear", _("Linear up to a target")
    BANDS = "bands", _("Bands")
    PER_UNIT = "per_unit", _("Points per unit")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    REVIEW = "review", _("Review")
    PUBLICITY = "publicity", _("Public notice (公示)")
    FINAL = "final", _("Final")


# The order a round moves through; a round never goes back.
ROUND_ORDER = [
    RoundStatus.DRAFT,
    RoundStatus.SELF_ASSESSMENT,
    RoundStatus.REVIEW,
    RoundStatus.PUBLICITY,
    RoundStatus.FINAL,
]


class AssessmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting self-assessment")
    SUBMITTED = "submitted", _("Self-assessment submitted")
    REVIEWED = "reviewed", _("Reviewed")


class Movement(models.TextChoices):
    UP = "up", _("Up")
    DOWN = "down", _("Down")
    SAME = "same", _("Same")
    NEW = "new", _("First rating")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ANSWERED = "answered", _("Answered")
