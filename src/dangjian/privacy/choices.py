"""Choices of the privacy app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Erased")


class ErasureRequester(models.TextChoices):
    SELF = "self", _("The person themselves")
    GUARDIAN = "guardian", _("Guardian or close relative")
    OTHER = "other", _("Other lawful requester")
