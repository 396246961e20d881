"""Enumerations of the leader mailbox (领导信箱)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("mailbox", "Received")  # 已收到
    ASSIGNED = "assigned", pgettext_lazy("mailbox", "Assigned")  # 已交办
    ANSWERED = "answered", pgettext_lazy("mailbox", "Answered")  # 已答复
    CLOSED = "closed", pgettext_lazy("mailbox", "Closed")  # 已办结


# Waiting for an answer: the deadline runs and a message in these states can become overdue.
OPEN_STATES = (MessageState.RECEIVED, MessageState.ASSIGNED)


class MessageSource(models.TextChoices):
    PORTAL = "portal", _("Residents' portal")
    MEMBER = "member", _("Signed-in member")
