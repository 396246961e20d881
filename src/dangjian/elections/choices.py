"""Kinds and states of an election (换届选举)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ElectionKind(models.TextChoices):
    # The 党员大会 elects the committee (差额: candidates exceed seats by at least 20%).
    COMMITTEE = "committee", _("Committee election")
    # A branch of fewer than 7 正式党员 has no committee: the 党员大会 elects a 书记 (and a 副书记).
    SECRETARY = "secretary", _("Secretary election")


class ElectionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Candidates confirmed")
    VOTING = "voting", _("Voting")
    COUNTED = "counted", _("Counted")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# An organization has at most one election under way; approved and rejected ones are history.
OPEN_STATES = (
    ElectionState.DRAFT,
    ElectionState.CONFIRMED,
    ElectionState.VOTING,
    ElectionState.COUNTED,
    ElectionState.SUBMITTED,
)
