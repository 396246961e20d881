"""Choices of the volunteering app (志愿服务): teams, needs, resources, projects and 微心愿."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Weekly availability is a bit mask of 21 slots: day 0 (Monday) … 6 (Sunday) × slot 0 (morning),
# 1 (afternoon), 2 (evening); bit ``day * 3 + slot``. Two masks overlap when their AND is not 0,
# which the database and Python both answer in one operation (matching.py counts the bits).
SLOTS_PER_DAY = 3
DAYS_PER_WEEK = 7
ALL_WEEK = (1 << (SLOTS_PER_DAY * DAYS_PER_WEEK)) - 1


def slot_bit(day: int, slot: int) -> int:
    """The bit of ``day`` (0 = Monday) and ``slot`` (0 morning, 1 afternoon, 2 evening)."""
    if not (0 <= day < DAYS_PER_WEEK and 0 <= slot < SLOTS_PER_DAY):
        raise ValueError(f"no such slot: day {day}, slot {slot}")
    return 1 << (day * SLOTS_PER_DAY + slot)


class VolunteerState(models.TextChoices):
    # With a context: the bare "Active" and "Paused" are a member's and a request's words.
    ACTIVE = "active", pgettext_lazy("volunteer state", "Active")
    PAUSED = "paused", pgettext_lazy("volunteer state", "Paused")
    LEFT = "left", pgettext_lazy("volunteer state", "Left")


class TeamKind(models.TextChoices):
    SERVICE_TEAM = "service_team", _("Volunteer service team")  # 志愿服务队
    WARM_GROUP = "warm_group", _("Party-masses warm group")  # 党群温馨小组


class NeedCategory(models.TextChoices):
    ELDERLY = "elderly", _("Elderly care")
    CHILDREN = "children", _("Children and youth")
    HEALTH = "health", _("Health")
    REPAIR = "repair", _("Repairs")
    CLEANING = "cleaning", _("Cleaning and environment")
    LEGAL = "legal", _("Legal advice")
    EDUCATION = "education", _("Tutoring and education")
    ERRANDS = "errands", _("Errands and shopping")
    COMPANY = "company", _("Company and emotional support")
    OTHER = "other", _("Other")


class NeedSource(models.TextChoices):
    PORTAL = "portal", _("Resident on the portal")
    GRID_WORKER = "grid_worker", _("Grid worker")
    SERVICE_REQUEST = "service_request", _("Turned from a service request")
    STAFF = "staff", _("Community staff")


class NeedState(models.TextChoices):
    OPEN = "open", pgettext_lazy("need state", "Open")
    ASSIGNED = "assigned", _("Assigned")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed without service")


class ResourceKind(models.TextChoices):
    UNIT = "unit", _("Co-building unit")  # 共建单位
    VENUE = "venue", _("Venue")
    MATERIAL = "material", pgettext_lazy("resource kind", "Materials")
    TEAM = "team", _("Volunteer team")
    OTHER = "other", _("Other")


class ProjectState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class WishState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")  # the resident orders (居民点单)
    PUBLISHED = "published", _("Published")  # the community dispatches (社区下单)
    CLAIMED = "claimed", _("Claimed")  # a member takes it (党员接单)
    FULFILLED = "fulfilled", _("Fulfilled")  # the member recorded the proof
    CONFIRMED = "confirmed", _("Confirmed")  # the resident (or staff for them) confirmed
    WITHDRAWN = "withdrawn", _("Withdrawn")
