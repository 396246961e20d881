"""Enumerations of announcements: category, audience and state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnouncementCategory(models.TextChoices):
    PARTY_AFFAIRS = "party_affairs", _("党务公开")
    NOTICE = "notice", _("通知公告")
    NEWS = "news", _("工作动态")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone (on the portal)")
    SUBTREE = "subtree", _("Members of the organization and those below it")
    ORG = "org", _("Members of the organization only")


class AnnouncementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


MEMBER_AUDIENCES = (Audience.SUBTREE, Audience.ORG)
