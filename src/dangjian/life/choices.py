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


# Meetings that decide by vote: more than half of the expected attendees must be present (DOMAIN.md).
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
