"""Kinds and states of an election (换届选举)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ElectionKind(models.TextChoices):
    # The 党员大会 elects the committee (差额: candidates exceed seats by at least 20%).
    COMMITTEE = "committee", _("Committee election")
    # A branch of fewer than 7 正式党员 has no committee: the 党员大会 elects a 书记 (and a 副书记).
    # Where there is a committee, the committee elects them (``OfficerReport``).
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

    After 《中国共产党基层组织选举工作条例》 (2020; cited without an article number where DOMAIN.md
    confirms none): the last places are tied and cannot all be elected — those tied are put to
    the meeting again and the most votes win (再次投票); fewer are elected (more than half of those
    present) than there are seats — the seats left are filled by a new vote among those who did
    not get more than half (另行选举), never by topping up from them by votes; when close to the
    seats, the seats may instead be reduced with the consent of more than half of the electors.
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


class VoteMethod(models.TextChoices):
    """How a voter's vote reached the ballot box (recorded on ``VoteRecord``, never on the ballot)."""

    PHONE = "phone", _("On a phone")
    PAPER = "paper", _("Paper ballot entered by staff")


class ExclusionCategory(models.TextChoices):
    """Who may be left out of 应到会 of an election, with the superior's consent and the meeting's
    approval (选举工作条例 2020; the five categories of DOMAIN.md "Organizational life")."""

    ILL = "ill", _("Ill and unable to attend")
    ABROAD = "abroad", _("Abroad for half a year or more")
    SENTENCE = "sentence", _("Serving a sentence")
    BEDRIDDEN = "bedridden", _("Bedridden")
    AWAY = "away", _("Away for half a year or more without transferring membership")


class OfficerReportState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("officer report state", "Reported for approval")
    APPROVED = "approved", pgettext_lazy("officer report state", "Approved")
    REJECTED = "rejected", pgettext_lazy("officer report state", "Rejected")
