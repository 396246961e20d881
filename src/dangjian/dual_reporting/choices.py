"""States and kinds of 双报到: reports, pairings, claims and the community's yearly rating."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportState(models.TextChoices):
    """A member's report to a community, or a unit's pairing: in force, or ended."""

    ACTIVE = "active", pgettext_lazy("dual reporting state", "Active")
    ENDED = "ended", pgettext_lazy("dual reporting state", "Ended")


class ClaimKind(models.TextChoices):
    """What was claimed (认领): a service post, a project, a resident's need, or something else."""

    POST = "post", _("Service post")
    PROJECT = "project", _("Project")
    NEED = "need", _("Resident need")
    OTHER = "other", pgettext_lazy("claim kind", "Other")


class ClaimState(models.TextChoices):
    CLAIMED = "claimed", pgettext_lazy("claim state", "Claimed")
    DONE = "done", pgettext_lazy("claim state", "Done")
    CANCELLED = "cancelled", pgettext_lazy("claim state", "Cancelled")


class FeedbackRating(models.TextChoices):
    """The community's yearly rating of a reported member or a paired unit (优秀/良好/一般/较差)."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
