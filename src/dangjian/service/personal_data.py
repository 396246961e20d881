"""What service requests hold about a resident, for the privacy app (个人信息保护法).

A request is matched to a person by the keyed hash of the reporter's phone (the portal, the
hotline and Open311 all store it; none links a ``core.Person``), and by the name given when
another person has the same mobile. Erasure and the retention purge
clear the reporter's contact fields and the street address and coarsen the point to about 100 m,
but keep the row, its times, state and rating: the service figures of past months are counted
from these rows and must not change. The description and the rating comment are the resident's
own words about a public matter; they are kept (see docs/privacy.md, "Erasure").
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Coalesce, Round
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PersonalDataSource, matched_by_mobile
from dangjian.service.choices import RequestState
from dangjian.service.models import ServiceRequest

# States in which a request is finished: its retention period runs from its closing.
CLOSED_STATES = (RequestState.REJECTED, RequestState.RESOLVED, RequestState.RATED, RequestState.ARCHIVED)

# What is cleared; the row and everything the figures count stay.
CLEARED = {
    "contact_name": "",
    "contact_phone_cipher": "",
    "contact_phone_hash": None,
    "contact_phone_masked": "",
    "address": "",
}

HOLDS_CONTACT = ~Q(contact_name="") | Q(contact_phone_hash__isnull=False) | ~Q(address="")


def _requests_of(person) -> Any:
    """Requests reported from the person's mobile (a shared number: those giving their name)."""
    return matched_by_mobile(
        ServiceRequest.objects.all(), person, hash_field="contact_phone_hash", name_field="contact_name"
    )


def rows(person) -> list[dict]:
    return [
        {
            "tracking_code": request_obj.tracking_code,
            "created_at": request_obj.created_at,
            "category": request_obj.category.name,
            "title": request_obj.title,
            "description": request_obj.description,
            "address": request_obj.address,
            "contact_name": request_obj.contact_name,
            "contact_phone": request_obj.contact_phone_masked,
            "state": request_obj.get_state_display(),
            "rating": request_obj.rating_level,
            "rating_comment": request_obj.rating_comment,
        }
        for request_obj in _requests_of(person).select_related("category").order_by("created_at", "id")
    ]


def _anonymize(queryset) -> int:
    # ``version`` rises so that a form opened before the erasure cannot write the contact back.
    return queryset.update(
        **CLEARED,
        latitude=Round("latitude", 3),
        longitude=Round("longitude", 3),
        version=F("version") + 1,
    )


def erase(person) -> int:
    return _anonymize(_requests_of(person))


def purge(cutoff: datetime.datetime, limit: int, dry_run: bool) -> int:
    """Contact data of requests closed before ``cutoff`` (办结, or last changed when not accepted)."""
    due = (
        ServiceRequest.objects.filter(state__in=CLOSED_STATES)
        .annotate(closed_at=Coalesce("resolved_at", "updated_at"))
        .filter(closed_at__lt=cutoff)
        .filter(HOLDS_CONTACT)
    )
    if dry_run:
        return due.count()
    ids = list(due.order_by("id").values_list("id", flat=True)[:limit])
    return _anonymize(ServiceRequest.objects.filter(pk__in=ids)) if ids else 0


SOURCE = PersonalDataSource(
    key="service.requests",
    label=_("Service requests reported"),
    columns=(
        ("tracking_code", _("tracking code")),
        ("created_at", _("reported at")),
        ("category", _("category")),
        ("title", _("title")),
        ("description", _("description")),
        ("address", _("address")),
        ("contact_name", _("contact name")),
        ("contact_phone", _("contact phone")),
        ("state", _("state")),
        ("rating", _("rating")),
        ("rating_comment", _("rating comment")),
    ),
    rows=rows,
    erase=erase,
    purge=purge,
    retention_days=3 * 365,
    retention_label=_("Reporter's contact data on closed service requests"),
    order=20,
)
