"""What proposals hold about a person, for the privacy app: proposals they made (as a member, or
as a resident by name and phone hash) and their supports by phone. Erasure and the retention
purge clear the resident's name and phone hash and keep the proposal's text and its count."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, matched_by_mobile, register_personal_data_source
from dangjian.proposals.models import Proposal

CLEARED = {"proposer_name": "", "proposer_phone_hash": ""}


def _of(person):
    by_phone = matched_by_mobile(
        Proposal.objects.all(), person, hash_field="proposer_phone_hash", name_field="proposer_name"
    )
    return Proposal.objects.filter(Q(pk__in=by_phone.values("pk")) | Q(proposer_person=person))


def rows(person) -> list[dict]:
    return [
        {"created_at": proposal.created_at, "title": proposal.title, "text": proposal.text}
        for proposal in _of(person).order_by("created_at", "id")
    ]


def erase(person) -> int:
    return _of(person).filter(proposer_person__isnull=True).update(**CLEARED)


def purge(cutoff: datetime.datetime, limit: int, dry_run: bool) -> int:
    due = Proposal.objects.filter(created_at__lt=cutoff, proposer_person__isnull=True).exclude(
        proposer_name=""
    )
    if dry_run:
        return due.count()
    ids = list(due.order_by("id").values_list("id", flat=True)[:limit])
    return Proposal.objects.filter(pk__in=ids).update(**CLEARED) if ids else 0


SOURCE = PersonalDataSource(
    key="proposals.proposals",
    label=_("Proposals"),
    columns=(("created_at", _("created at")), ("title", _("title")), ("text", _("proposal"))),
    rows=rows,
    erase=erase,
    purge=purge,
    retention_days=3 * 365,
    retention_label=_("Names of residents who made proposals"),
)


def register() -> None:
    register_personal_data_source(SOURCE)
