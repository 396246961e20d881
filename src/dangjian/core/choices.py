"""Enumerations shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school / technical secondary")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTOR = "doctor", _("Doctor")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    MOVE = "move", _("Move")
    DEACTIVATE = "deactivate", _("Deactivate")
    REACTIVATE = "reactivate", _("Reactivate")
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    PERMISSION = "permission", _("Permission change")
    REVEAL = "reveal", _("Personal data reveal")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    TOKEN = "token", _("API token")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")


class NoticeChannel(models.TextChoices):
    """Where a notice reaches its reader besides the inbox (which every notice reaches)."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NoticeGroup(models.TextChoices):
    """Kinds of notice grouped for the reader's channel choices (``core.notice_channels.group_of``)."""

    DEADLINES = "deadlines", _("Deadlines, reminders and supervision")
    MEETINGS = "meetings", _("Meetings and activities")
    ANNOUNCEMENTS = "announcements", _("Announcements and 党务公开")
    MAILBOX = "mailbox", _("Mailbox, deliberation and proposals")
    OTHER = "other", _("Greetings and other notices")


class TimeLimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days")
    WORKING_HOURS = "working_hours", _("Working hours")
    # 全时通: the clock runs on weekends and holidays too.
    CALENDAR_DAYS = "calendar_days", _("Calendar days (全时通)")
