"""Choices of 就业 (jobs): postings, job seekers and training attendance."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PostingState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SeekerState(models.TextChoices):
    SEEKING = "seeking", _("Seeking work")
    PLACED = "placed", _("Placed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
