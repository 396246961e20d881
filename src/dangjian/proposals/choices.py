"""Enumerations of proposals (网上提议)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposalState(models.TextChoices):
    OPEN = "open", _("Collecting support")
    AWAITING = "awaiting", _("Awaiting response")
    ACCEPTED = "accepted", pgettext_lazy("proposal state", "Accepted")
    DECLINED = "declined", pgettext_lazy("proposal state", "Declined")


RESPONDABLE = (ProposalState.OPEN, ProposalState.AWAITING)
SUPPORTABLE = (ProposalState.OPEN, ProposalState.AWAITING)
