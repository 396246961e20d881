"""Member status and category, grid worker kinds, transfer states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class MemberCategory(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    RETIRED = "retired", _("Retired")
    FARMER = "farmer", _("Farmer")
    STUDENT = "student", _("Student")
    UNEMPLOYED = "unemployed", _("Laid-off or unemployed")
    MOBILE = "mobile", _("Mobile (flowed out)")
    OTHER = "other", _("Other")


class GridWorkerKind(models.TextChoices):
    GRID_LEADER = "grid_leader", _("Grid leader")
    FULL_TIME = "full_time", _("Full-time grid worker")
    PART_TIME = "part_time", _("Part-time grid worker")


class TransferState(models.TextChoices):
    """States of a transfer letter (组织关系转接): 发起 → 已接收 / 已退回 / 已超期."""

    INITIATED = "initiated", pgettext_lazy("transfer state", "Initiated")
    ACCEPTED = "accepted", pgettext_lazy("transfer state", "Accepted")
    RETURNED = "returned", pgettext_lazy("transfer state", "Returned")
    EXPIRED = "expired", pgettext_lazy("transfer state", "Expired")


class TransferDirection(models.TextChoices):
    """Within the system, or a letter to or from an organization outside it (系统外)."""

    INTERNAL = "internal", _("Within the system")
    OUTGOING = "outgoing", _("To an organization outside the system")
    INCOMING = "incoming", _("From an organization outside the system")


class RestrictionKind(models.TextChoices):
    """Why a member's rights are restricted (DOMAIN.md, "Party-member status").

    Either way the member has no vote, cannot elect or stand, and cannot be an 入党介绍人.
    """

    PROBATION_WITHIN_PARTY = "probation_within_party", _("Probation within the Party (留党察看)")
    RIGHTS_SUSPENDED = "rights_suspended", _("Rights suspended (留置/逮捕)")
