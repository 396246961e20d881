"""Choices of the activities app: an activity's states, a sign-up's, where an hours record comes
from, a 志愿服务记录证明's states, and the kinds of the record's other entries (培训, 表彰奖励, 评价)
with an award's level and an evaluation's result."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for sign-up")
    CLOSED = "closed", _("Sign-up closed")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class SignUpState(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class HoursSource(models.TextChoices):
    ACTIVITY = "activity", _("Volunteer activity")
    DUAL_REPORTING = "dual_reporting", _("双报到 service")
    MANUAL = "manual", _("Entered by staff")


class CertificateState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")


class RecordEntryKind(models.TextChoices):
    """The parts of a service record besides the service itself (《志愿服务记录与证明出具办法（试行）》第四条)."""

    TRAINING = "training", _("Training")
    AWARD = "award", _("Award")
    EVALUATION = "evaluation", _("Evaluation")


class AwardLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    OTHER = "other", _("Other")


class EvaluationResult(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Satisfactory")
    FAIL = "fail", _("Unsatisfactory")
