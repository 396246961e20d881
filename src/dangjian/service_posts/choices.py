"""Kinds and states of service posts (服务岗 / 党员先锋岗), their claims and agreements."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PostKind(models.TextChoices):
    """A post for any member's service (服务岗), or a vanguard post (党员先锋岗)."""

    SERVICE = "service", _("Service post (服务岗)")
    VANGUARD = "vanguard", _("Vanguard post (党员先锋岗)")


class PostState(models.TextChoices):
    """A post takes claims while open; a closed post takes none (its holders keep their agreements)."""

    OPEN = "open", pgettext_lazy("service post state", "Open")
    CLOSED = "closed", pgettext_lazy("service post state", "Closed")


class ClaimState(models.TextChoices):
    """A member's claim of a post: waiting for the community, then holding it or not."""

    CLAIMED = "claimed", pgettext_lazy("post claim state", "Waiting for confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("post claim state", "Holding the post")
    DECLINED = "declined", pgettext_lazy("post claim state", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("post claim state", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("post claim state", "Expired")


# A claim in one of these takes one of the post's places.
HOLDING_STATES = (ClaimState.CLAIMED, ClaimState.CONFIRMED)
