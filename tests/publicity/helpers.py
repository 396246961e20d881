"""Builders for the announcement tests: announcements of 社区A党委 and 社区B党委 in each state,
members with their own logins, attachments."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import User
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization
from dangjian.publicity.choices import AnnouncementState, Audience
from dangjian.publicity.models import Announcement, Attachment
from tests.factories import PersonFactory, UserFactory, assign

HOUR = datetime.timedelta(hours=1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def announcement_at(
    org: Organization,
    title: str = "关于召开党员大会的通知",
    *,
    audience: str = Audience.SUBTREE,
    state: str = AnnouncementState.PUBLISHED,
    publish_at: datetime.datetime | None = None,
    body: str = "<p>请全体党员准时参加。</p>",
    **fields,
) -> Announcement:
    if state != AnnouncementState.DRAFT and publish_at is None:
        publish_at = timezone.now() - HOUR
    return Announcement.objects.create(
        org=org, title=title, audience=audience, state=state, publish_at=publish_at, body=body, **fields
    )


def member_of(
    org: Organization, name: str = "张党员", username: str | None = None
) -> tuple[PartyMember, User]:
    """A party member of ``org`` with their own login and the party_member role."""
    member = PartyMember.objects.create(person=PersonFactory(name=name), org=org)
    user = UserFactory(username=username or f"m{member.pk}", person=member.person)
    assign(user, BuiltinRole.PARTY_MEMBER, org)
    return member, user


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


# --- objects of the permission tables: found again when a row asks twice ----------------------


def in_state(org: Organization, state: str, audience: str = Audience.SUBTREE) -> Announcement:
    title = f"{state}-{audience}"
    found = Announcement.objects.filter(org=org, title=title).first()
    return found or announcement_at(org, title, state=state, audience=audience)


def attachment_of(org: Organization) -> Attachment:
    announcement = in_state(org, AnnouncementState.DRAFT)
    found = announcement.attachments.first()
    if found is not None:
        return found
    attachment = Attachment(
        announcement=announcement, original_name="photo.png", content_type="image/png", size=40
    )
    attachment.file.save("photo.png", png(), save=False)
    attachment.save()
    return attachment


def make_secretary_a_a_member(world) -> None:
    """secretary_a (when she exists) is also a party member of 社区A's branch."""
    user = User.objects.filter(username="secretary_a").first()
    if user is not None and user.person_id is None:
        user.person = PersonFactory(name="李书记")
        user.save(update_fields=["person"])
        PartyMember.objects.create(person=user.person, org=world.branch_a1)
        assign(user, BuiltinRole.PARTY_MEMBER, world.branch_a1)
