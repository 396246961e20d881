"""Kinds of meetings (三会一课 and the other forms of organizational life), their states, attendance."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    BRANCH_GENERAL = "branch_general", _("Branch general meeting")
    COMMITTEE = "committee", _("Branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme party day")
    LIFE_MEETING = "life_meeting", _("Organizational life meeting")
    DEMOCRATIC_REVIEW = "democratic_review", _("Democratic review of members")
    HEART_TALK = "heart_talk", _("Heart-to-heart talk")


# Meetings that may need a quorum: a 支委会 always (支部工作条例 第十二条), a 党员大会 when it votes
# (第十一条, ``life.services.vote_quorum``). The demo data generator reads it.
QUORUM_KINDS = {MeetingKind.BRANCH_GENERAL, MeetingKind.COMMITTEE}


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT_SICK = "absent_sick", _("Absent: sick leave")
    ABSENT_PERSONAL = "absent_personal", _("Absent: personal leave")
    ABSENT_OFFICIAL = "absent_official", _("Absent: official business")
    ABSENT_UNEXCUSED = "absent_unexcused", _("Absent without leave")


class CadencePeriod(models.TextChoices):
    """How often a kind of meeting is due: the period a cadence rule's minimum count applies to."""

    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


class ReviewGrade(models.TextChoices):
    """Grades of the yearly 民主评议党员 (democratic review of party members)."""

    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")
