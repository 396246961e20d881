"""What announcements hold about a person, for the privacy app: the read receipts of a member
(which announcement they opened, when). Erasure keeps them (they count in the read-rate
figure and name no one outside the person row, which erasure anonymizes)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, register_personal_data_source
from dangjian.publicity.models import Read


def rows(person) -> list[dict]:
    return [
        {"read_at": read.read_at, "announcement": read.announcement.title, "org": read.announcement.org.name}
        for read in Read.objects.filter(person=person)
        .select_related("announcement__org")
        .order_by("read_at", "id")
    ]


SOURCE = PersonalDataSource(
    key="publicity.reads",
    label=_("Read receipts of announcements"),
    columns=(("read_at", _("read at")), ("announcement", _("announcement")), ("org", _("organization"))),
    rows=rows,
)


def register() -> None:
    register_personal_data_source(SOURCE)
