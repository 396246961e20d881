"""Builders for the organizational-life tests: party members with logins, meetings now or later."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.life.choices import AttendanceStatus, MeetingKind
from dangjian.life.models import Attendance, Meeting
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization
from tests.factories import PersonFactory, UserFactory


def add_member(org: Organization, name: str = "党员", **fields) -> PartyMember:
    return PartyMember.objects.create(person=PersonFactory(name=name), org=org, **fields)


def member_user(org: Organization, username: str, name: str = "张党员") -> User:
    """A logged-in party member of ``org`` (no role: members check in with their own account)."""
    member = add_member(org, name)
    return UserFactory(username=username, person=member.person)


def link_member(user: User, org: Organization) -> PartyMember:
    """Make an existing user a party member of ``org`` (through their person)."""
    if user.person_id is None:
        user.person = PersonFactory(name=f"{user.last_name}{user.first_name}")
        user.save(update_fields=["person"])
    member = PartyMember.objects.filter(person_id=user.person_id).first()
    return member or PartyMember.objects.create(person_id=user.person_id, org=org)


def plain_meeting(
    org: Organization,
    title: str,
    *,
    kind: str = MeetingKind.THEME_DAY,
    starts_in: datetime.timedelta = datetime.timedelta(minutes=10),
    minutes: str = "",
) -> Meeting:
    """A meeting written directly (for tables and pages); attendees: the org's active members."""
    starts_at = timezone.now() + starts_in
    meeting = Meeting.objects.create(
        org=org,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        minutes=minutes,
    )
    members = PartyMember.objects.filter(org__path__startswith=org.path, is_active=True)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=member) for member in members])
    return meeting


def mark_all(meeting: Meeting, status: str = AttendanceStatus.PRESENT) -> None:
    Attendance.objects.filter(meeting=meeting).update(status=status)
