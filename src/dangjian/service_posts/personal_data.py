"""What residents' notes on post holders hold about their author, for the privacy app: the name
they gave and their phone's keyed hash. Erasure and the retention purge clear both and keep the
note's text, which the holder's public page and its counts show."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, matched_by_mobile, register_personal_data_source
from dangjian.service_posts.models import ResidentNote

CLEARED = {"author_name": "", "phone_hash": ""}


def _of(person):
    """Notes sent from the person's mobile (a shared number: those signed with their name)."""
    return matched_by_mobile(
        ResidentNote.objects.all(), person, hash_field="phone_hash", name_field="author_name"
    )


def rows(person) -> list[dict]:
    return [
        {
            "created_at": note.created_at,
            "post": str(note.claim.post),
            "author_name": note.author_name,
            "text": note.text,
        }
        for note in _of(person).select_related("claim__post").order_by("created_at", "id")
    ]


def erase(person) -> int:
    return _of(person).update(**CLEARED)


def purge(cutoff: datetime.datetime, limit: int, dry_run: bool) -> int:
    due = ResidentNote.objects.filter(created_at__lt=cutoff).filter(~Q(author_name="") | ~Q(phone_hash=""))
    if dry_run:
        return due.count()
    ids = list(due.order_by("id").values_list("id", flat=True)[:limit])
    return ResidentNote.objects.filter(pk__in=ids).update(**CLEARED) if ids else 0


SOURCE = PersonalDataSource(
    key="service_posts.notes",
    label=_("Notes on post holders"),
    columns=(
        ("created_at", _("created at")),
        ("post", _("service post")),
        ("author_name", _("name")),
        ("text", _("text")),
    ),
    rows=rows,
    erase=erase,
    purge=purge,
    retention_days=2 * 365,
    retention_label=_("Names and phones of residents' notes on post holders"),
)


def register() -> None:
    register_personal_data_source(SOURCE)
