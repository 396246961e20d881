"""Builders of the mailbox tests: a mailbox per organization, messages in a given state."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.mailbox import services
from dangjian.mailbox.choices import MessageSource, MessageState
from dangjian.mailbox.models import Mailbox, Message
from tests.factories import UserFactory, assign

PHONE = "13912345678"


def at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def mailbox_of(org, **options) -> Mailbox:
    box = Mailbox.objects.filter(org=org).first()
    return box or Mailbox.objects.create(
        org=org, title=options.pop("title", f"{org.name}书记信箱"), **options
    )


def write(org, *, now=None, **options) -> Message:
    values = {
        "subject": "楼道灯坏了",
        "text": "3号楼楼道灯坏了一个月，我是张阿姨，电话13912345678。",
        "writer_name": "张阿姨",
        "writer_phone": PHONE,
        "phone_verified": True,
        "agrees_to_publish": True,
        "notify_by_sms": True,
    } | options
    return services.write_message(mailbox=mailbox_of(org), source=MessageSource.PORTAL, now=now, **values)


def staff_of(org, username: str, role: str = BuiltinRole.ORG_STAFF):
    user = UserFactory(username=username)
    assign(user, role, org)
    return user


def message_in(org, state: str = MessageState.RECEIVED, *, secretary=None) -> Message:
    """A message to ``org``'s mailbox in ``state`` (assigned to and answered by a staff member of ``org``)."""
    existing = Message.objects.filter(org=org, state=state).first()
    if existing is not None:
        return existing
    message = write(org)
    if state == MessageState.RECEIVED:
        return message
    secretary = secretary or staff_of(
        org, f"sec_{org.pk}_{Message.objects.count()}", BuiltinRole.ORG_SECRETARY
    )
    services.assign_message(message, assignee=secretary, by=secretary)
    if state == MessageState.ASSIGNED:
        return message
    services.answer_message(message, answer="已安排物业维修。", by=secretary)
    if state == MessageState.CLOSED:
        services.close_message(message, by=secretary)
    return message
