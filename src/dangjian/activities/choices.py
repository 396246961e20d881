"""Choices of the activities app: an activity's states, a sign-up's, where an hours record comes
from, and a 志愿服务记录证明's states."""

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
