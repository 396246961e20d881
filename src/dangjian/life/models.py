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
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState


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

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["org", "starts_at"], name="life_meeting_org_start_idx"),
            models.Index(fields=["starts_at", "id"], name="life_meeting_start_idx"),
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
