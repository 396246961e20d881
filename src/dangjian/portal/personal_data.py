"""What the portal holds about a resident, for the privacy app: the phone verifications (验证码),
kept only as the phone's keyed hash and deleted by an erasure or once past retention (they are
counted by no figure; the rate limits look back minutes, not days)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, register_personal_data_source
from dangjian.portal.models import PhoneVerification


def _of(person):
    if not person.mobile_hash:
        return PhoneVerification.objects.none()
    return PhoneVerification.objects.filter(phone_hash=person.mobile_hash)


def rows(person) -> list[dict]:
    return [
        {"created_at": item.created_at, "used_at": item.used_at}
        for item in _of(person).order_by("created_at")
    ]


def erase(person) -> int:
    return _of(person).delete()[0]


def purge(cutoff: datetime.datetime, limit: int, dry_run: bool) -> int:
    due = PhoneVerification.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return due.count()
    ids = list(due.order_by("id").values_list("id", flat=True)[:limit])
    return PhoneVerification.objects.filter(pk__in=ids).delete()[0] if ids else 0


SOURCE = PersonalDataSource(
    key="portal.verifications",
    label=_("Phone verifications"),
    columns=(("created_at", _("sent at")), ("used_at", _("used at"))),
    rows=rows,
    erase=erase,
    purge=purge,
    retention_days=30,
    retention_label=_("Phone verification codes of the residents' portal"),
)


def register() -> None:
    register_personal_data_source(SOURCE)
