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


class RoundReason(models.TextChoices):
    """Why a further round of voting is held after the first count.

    条例 of 1990 (《中国共产党基层组织选举工作暂行条例》), the numbering this app cites:
    第二十一条 — the last places are tied and cannot all be elected: those tied are put to the
    meeting again and the most votes win; 第二十二条 — fewer are elected (more than half of those
    present) than there are seats: the seats left are filled by a new vote among those who did not
    get more than half (never by topping up from them by votes).
    """

    TIE = "tie", _("Further vote among tied candidates")
    SHORTFALL = "shortfall", _("Further election for unfilled seats")


# An organization has at most one election under way; approved and rejected ones are history.
OPEN_STATES = (
    ElectionState.DRAFT,
    ElectionState.CONFIRMED,
    ElectionState.VOTING,
    ElectionState.COUNTED,
    ElectionState.SUBMITTED,
)
