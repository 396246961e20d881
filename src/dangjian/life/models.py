"""Meetings of organizational life (三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话) and attendance.

A meeting belongs to one party organization; its expected attendees are filled from the
organization's members when it is scheduled, one ``Attendance`` row each. Members check in by
scanning the meeting's QR code, which carries a random token; a meeting only counts (for the
compliance view of a later part) once it is closed with minutes and complete attendance.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import ORG, Scope, ScopedQuerySet
from dangjian.life.choices import AttendanceStatus, CadencePeriod, MeetingKind, MeetingState, ReviewGrade


def new_check_in_token() -> str:
    """A random, URL-safe secret for the check-in link in the QR code (not guessable from the pk)."""
    return secrets.token_urlsafe(16)


class Meeting(models.Model):
    """One meeting of a party organization, from planning to its closing with minutes."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=MeetingKind.choices)
    title = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    host = models.ForeignKey(
        "core.Person",
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
        null=True,
        blank=True,
    )
    recorder = models.ForeignKey(
        "core.Person",
        verbose_name=_("recorder"),
        on_delete=models.PROTECT,
        related_name="recorded_meetings",
        null=True,
        blank=True,
    )
    agenda = models.TextField(_("agenda"), blank=True, default="")
    minutes = models.TextField(_("minutes"), blank=True, default="")
    state = models.CharField(
        _("state"), max_length=16, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    check_in_token = models.CharField(
        _("check-in token"), max_length=64, default=new_check_in_token, editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set when the meeting is closed: its record was completed more than LATE_AFTER after it ended
    # (see life.compliance); it still counts, and the compliance view shows it as late.
    closed_late = models.BooleanField(_("closed late"), default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["org", "starts_at"], name="life_meeting_org_start_idx"),
            models.Index(fields=["starts_at", "id"], name="life_meeting_start_idx"),
            # The compliance roll-up: closed meetings of the orgs of a subtree in a period.
            models.Index(fields=["org", "state", "starts_at"], name="life_meeting_org_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        # Meetings are the business of the party organizations: only org-tree roles see them.
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class Attendance(models.Model):
    """An expected attendee of a meeting and whether (and how) they attended."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    # Empty until recorded: a meeting cannot be closed while any row is still empty.
    status = models.CharField(
        _("attendance"), max_length=24, choices=AttendanceStatus.choices, blank=True, default=""
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="life_attendance_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "meeting__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.meeting.org.path, "")


class MeetingVote(models.Model):
    """A motion put to the vote at a 支部党员大会, with its tally and whether it passed.

    A 党员大会 that votes needs more than half of the members with a vote present, and a motion
    passes with more than half of 应到会有表决权 (支部工作条例 第十一条). ``voters`` and
    ``present_with_vote`` are fixed when the tally is recorded (``members.voters`` on the meeting
    date), so the record keeps the figures it was judged on.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="votes"
    )
    subject = models.CharField(_("motion"), max_length=200)
    in_favour = models.PositiveIntegerField(_("in favour"))
    against = models.PositiveIntegerField(_("against"), default=0)
    abstain = models.PositiveIntegerField(_("abstaining"), default=0)
    voters = models.PositiveIntegerField(_("members with a vote expected"))
    present_with_vote = models.PositiveIntegerField(_("members with a vote present"))
    passed = models.BooleanField(_("passed"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting vote")
        verbose_name_plural = _("meeting votes")
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "meeting__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.meeting.org.path, "")


class CadenceRule(models.Model):
    """How often organizations of some kinds must hold a kind of meeting (三会一课 and the rest).

    The defaults (DOMAIN.md) are seeded by a data migration: 支部党员大会 quarterly, 支委会, 党小组会
    and 主题党日 monthly, 党课 quarterly, 组织生活会 and 民主评议 yearly. Regions differ, so the
    rules are data, edited in the admin; the compliance view reads them on every request.
    """

    kind = models.CharField(_("meeting kind"), max_length=24, choices=MeetingKind.choices, unique=True)
    # Codes of orgs.choices.OrgKind: the organizations that must hold this kind of meeting.
    org_kinds = models.JSONField(_("organization kinds"), default=list)
    period = models.CharField(_("period"), max_length=16, choices=CadencePeriod.choices)
    minimum_count = models.PositiveSmallIntegerField(_("minimum per period"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("meeting cadence")
        verbose_name_plural = _("meeting cadences")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_period_display()} ≥ {self.minimum_count}"


class DemocraticReview(models.Model):
    """One member's grade in the yearly 民主评议党员 of their organization (优秀/合格/基本合格/不合格).

    A member has at most one result per organization and year; it is usually entered from the
    民主评议 meeting where the review took place.
    """

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    member = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        related_name="reviews",
        null=True,
        blank=True,
    )
    grade = models.CharField(_("grade"), max_length=24, choices=ReviewGrade.choices)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("democratic review result")
        verbose_name_plural = _("democratic review results")
        ordering = ["-year", "org_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "member"], name="life_review_one_per_year_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.member} · {self.get_grade_display()}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


def attachment_path(instance: MeetingAttachment, filename: str) -> str:
    """Files live under MEDIA_ROOT with a random name; the original name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"life/meetings/{instance.meeting_id}/{secrets.token_hex(12)}.{extension}"


class MeetingAttachment(models.Model):
    """A photo or document of a meeting (sign-in sheet, photos of the 主题党日, slides of the 党课).

    Stored under MEDIA_ROOT but never served publicly: downloads go through a scoped view.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, blank=True, default="")
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")
        ordering = ["meeting_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "meeting__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.meeting.org.path, "")


class OutstandingSnapshot(models.Model):
    """The kinds of meeting one organization is still short of in a running cadence period (this
    month, quarter or year), counted by the worker (``life.tasks.refresh_outstanding_snapshot``)
    so a street's or district's 工作台 reads a few thousand rows instead of grouping every
    meeting of the period (core.workbench, "snapshots").

    Every organization that must hold meetings gets a row per running cadence, short of
    something or not, so the rows of a subtree say when they were counted.
    """

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    cadence = models.CharField(_("cadence"), max_length=8, choices=CadencePeriod.choices)
    window_start = models.DateField(_("period start"))
    missing = models.JSONField(_("kinds still to hold"), default=list)
    is_short = models.BooleanField(default=False)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("meetings still to hold (snapshot)")
        verbose_name_plural = _("meetings still to hold (snapshot)")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "cadence", "window_start"], name="life_outstanding_snapshot_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.cadence} {self.window_start}: {self.missing}"
