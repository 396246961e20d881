"""Member status and category, grid worker kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
