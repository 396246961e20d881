"""What deliberation holds about residents who raised a topic on the portal, for the privacy app:
the name they gave and their phone (encrypted, with its keyed hash; exported masked, as the
other sources give personal numbers). Erasure and the retention
purge clear them and keep the topic, which the portal and the figures show."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.personal import MOBILE, decrypt, mask
from dangjian.core.registry import PersonalDataSource, matched_by_mobile, register_personal_data_source
from dangjian.deliberation.choices import RaisedBy
from dangjian.deliberation.models import Topic

CLEARED = {"raiser_name": "", "raiser_phone": "", "phone_hash": ""}


def _of(person):
    topics = Topic.objects.filter(raised_by_kind=RaisedBy.RESIDENT)
    return matched_by_mobile(topics, person, hash_field="phone_hash", name_field="raiser_name")


def rows(person) -> list[dict]:
    return [
        {
            "created_at": topic.created_at,
            "title": topic.title,
            "raiser_name": topic.raiser_name,
            "phone": mask(MOBILE, decrypt(topic.raiser_phone)) if topic.raiser_phone else "",
        }
        for topic in _of(person).order_by("created_at", "id")
    ]


def erase(person) -> int:
    return _of(person).update(**CLEARED)


def purge(cutoff: datetime.datetime, limit: int, dry_run: bool) -> int:
    due = Topic.objects.filter(raised_by_kind=RaisedBy.RESIDENT, created_at__lt=cutoff).filter(
        ~Q(raiser_name="") | ~Q(phone_hash="") | ~Q(raiser_phone="")
    )
    if dry_run:
        return due.count()
    ids = list(due.order_by("id").values_list("id", flat=True)[:limit])
    return Topic.objects.filter(pk__in=ids).update(**CLEARED) if ids else 0


SOURCE = PersonalDataSource(
    key="deliberation.topics",
    label=_("Deliberation topics raised"),
    columns=(
        ("created_at", _("created at")),
        ("title", _("title")),
        ("raiser_name", _("name")),
        ("phone", _("mobile phone")),
    ),
    rows=rows,
    erase=erase,
    purge=purge,
    retention_days=3 * 365,
    retention_label=_("Names and phones of residents who raised deliberation topics"),
)


def register() -> None:
    register_personal_data_source(SOURCE)
