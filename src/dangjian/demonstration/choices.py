"""Choices of 示范点 (demonstration points): the states of a standard set, an application, an
item's review, a designation and a re-check's outcome. Levels are ``orgs.DemonstrationLevel``
(县级/市级/省级), the same field the organization page shows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.orgs.choices import DemonstrationLevel

__all__ = [
    "ApplicationState",
    "DemonstrationLevel",
    "DesignationState",
    "ItemResult",
    "RecheckOutcome",
    "SetState",
]


class SetState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    DESIGNATED = "designated", _("Designated")
    REJECTED = "rejected", _("Rejected")


OPEN_APPLICATION_STATES = (ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW)


class ItemResult(models.TextChoices):
    PENDING = "", _("Not reviewed")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")


class DesignationState(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class RecheckOutcome(models.TextChoices):
    KEEP = "keep", _("Keep")
    WARN = "warn", _("Warn, rectify by a deadline")
    REVOKE = "revoke", _("Revoke")
