"""Enumerations of service requests: sources, states, time-limit units, service modes, actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The unit of a time limit belongs to the shared deadline mechanism (core.deadlines); kept importable here.
from dangjian.core.choices import TimeLimitUnit as TimeLimitUnit


class RequestSource(models.TextChoices):
    PORTAL = "portal", _("Residents' portal")
    PATROL = "patrol", _("Grid patrol")
    HOTLINE = "hotline", _("Service hotline")
    WALK_IN = "walk_in", _("Walk-in")
    MAILBOX = "mailbox", _("Mailbox")
    HOTLINE_12345 = "hotline_12345", _("12345 transfer")
    OPEN311 = "open311", _("Open311 client")


class RequestState(models.TextChoices):
    REPORTED = "reported", _("Reported")  # 上报
    ACCEPTED = "accepted", _("Accepted")  # 受理
    REJECTED = "rejected", _("Not accepted")  # 不予受理
    DISPATCHED = "dispatched", _("Dispatched")  # 分派
    IN_PROGRESS = "in_progress", _("In progress")  # 处置中
    FEEDBACK = "feedback", _("Result reported")  # 处置反馈, waiting for 审核
    RETURNED = "returned", _("Returned")  # 退回
    SUSPENDED = "suspended", _("Suspended")  # 挂起
    RESOLVED = "resolved", _("Resolved")  # 办结
    RATED = "rated", _("Rated")  # 评价
    ARCHIVED = "archived", _("Archived")  # 归档


# States in which the request is still being worked on (counts as "open", can become overdue).
OPEN_STATES = (
    RequestState.REPORTED,
    RequestState.ACCEPTED,
    RequestState.DISPATCHED,
    RequestState.IN_PROGRESS,
    RequestState.FEEDBACK,
    RequestState.RETURNED,
    RequestState.SUSPENDED,
)
# States after 办结: the request has a resolution time and counts in the rates.
DONE_STATES = (RequestState.RESOLVED, RequestState.RATED, RequestState.ARCHIVED)


class ServiceMode(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")  # 普通
    ON_BEHALF = "on_behalf", _("Handled on behalf (代办)")
    ASSISTED = "assisted", _("Assisted (帮办)")
    ACCOMPANIED = "accompanied", _("Accompanied (陪办)")
    BY_APPOINTMENT = "by_appointment", _("By appointment (预约办)")


class RequestAction(models.TextChoices):
    """What a timeline entry records; one per service function."""

    SUBMIT = "submit", _("Reported")
    PLACE = "place", _("Placed in a grid")
    ACCEPT = "accept", _("Accepted")
    REJECT = "reject", _("Not accepted")
    DISPATCH = "dispatch", _("Dispatched")
    REASSIGN = "reassign", _("Reassigned")
    START = "start", _("Handling started")
    FEEDBACK = "feedback", _("Result reported")
    APPROVE = "approve", _("Review passed")
    SEND_BACK = "send_back", _("Sent back after review")
    RETURN = "return", _("Returned by the handler")
    SUSPEND = "suspend", _("Suspended")
    RESUME = "resume", _("Resumed")
    RATE = "rate", _("Rated")
    REOPEN = "reopen", _("Reopened")
    FOLLOW_UP = "follow_up", _("Follow-up recorded")
    ARCHIVE = "archive", _("Archived")
    SUPERVISE = "supervise", _("Supervised (督办)")
    WHISTLE = "whistle", _("Whistle blown (吹哨)")
    WHISTLE_REPORT = "whistle_report", _("Department reported (报到)")
    WHISTLE_OVERDUE = "whistle_overdue", _("Department did not report in time")
    RECATEGORIZE = "recategorize", _("Category changed")
    VISIT = "visit", _("Visit logged")
    PHOTO = "photo", _("Photo added")
    COMMENT = "comment", _("Comment")
    REMIND = "remind", _("Deadline reminder sent")
    OVERDUE = "overdue", _("Overdue")
    ESCALATE = "escalate", _("Escalated to the superior organization")
    RATING_INVITED = "rating_invited", _("Invited to rate")


class WhistleState(models.TextChoices):
    CALLED = "called", _("Called")  # 吹哨, waiting for 报到
    REPORTED = "reported", pgettext_lazy("whistle", "Reported")  # 报到
    OVERDUE = "overdue", _("Not reported in time")


class FollowUpState(models.TextChoices):
    NONE = "", _("None")
    OPEN = "open", _("Follow-up open")  # a 差评 arrived; the dispatcher must act
    DONE = "done", _("Follow-up done")


class PhotoKind(models.TextChoices):
    REPORT = "report", _("When reported")
    RESULT = "result", _("Result of handling")
