"""What mailbox messages hold about their writer, for the privacy app: the name and phone they gave
(encrypted, with its keyed hash), and the account they wrote from. Erasure and the retention purge
clear them and keep the message and answer, which the on-time rate counts."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, matched_by_mobile, register_personal_data_source
from dangjian.mailbox.models import Message

CLEARED = {
    "writer_name": "",
    "writer_phone_cipher": "",
    "writer_phone_hash": None,
    "writer_phone_masked": "",
    "notify_by_sms": False,
    "writer": None,
}


def _of(person):
    """Messages sent from the person's mobile (a shared number: those signed with their name), and
    those written from the person's own account."""
    by_phone = matched_by_mobile(
        Message.objects.all(), person, hash_field="writer_phone_hash", name_field="writer_name"
    )
    by_account = (
        Message.objects.filter(writer__person=person) if hasattr(person, "pk") else Message.objects.none()
    )
    return Message.objects.filter(Q(pk__in=by_phone.values("pk")) | Q(pk__in=by_account.values("pk")))


def rows(person) -> list[dict]:
    return [
        {
            "created_at": message.created_at,
            "mailbox": message.mailbox.title,
            "subject": message.subject,
            "text": message.text,
            "writer_name": message.writer_name,
            "phone": message.writer_phone_masked,
            "answer": message.answer,
        }
        for message in _of(person).select_related("mailbox").order_by("created_at", "id")
    ]


def erase(person) -> int:
    return _of(person).update(**CLEARED)


def purge(cutoff: datetime.datetime, limit: int, dry_run: bool) -> int:
    due = Message.objects.filter(created_at__lt=cutoff).filter(
        ~Q(writer_name="") | ~Q(writer_phone_cipher="") | Q(writer__isnull=False)
    )
    if dry_run:
        return due.count()
    ids = list(due.order_by("id").values_list("id", flat=True)[:limit])
    return Message.objects.filter(pk__in=ids).update(**CLEARED) if ids else 0


SOURCE = PersonalDataSource(
    key="mailbox.messages",
    label=_("Mailbox messages"),
    columns=(
        ("created_at", _("received at")),
        ("mailbox", _("mailbox")),
        ("subject", _("subject")),
        ("text", _("text")),
        ("writer_name", _("name")),
        ("phone", _("mobile number")),
        ("answer", _("answer")),
    ),
    rows=rows,
    erase=erase,
    purge=purge,
    retention_days=3 * 365,
    retention_label=_("Names and phones of mailbox writers"),
)


def register() -> None:
    register_personal_data_source(SOURCE)
