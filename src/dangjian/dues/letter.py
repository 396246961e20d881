"""The dues line of the printed transfer letter: "该同志党费已交到 X年X月".

Registered with ``members.letter`` from ``DuesConfig.ready()``, since ``members`` may not import
the dues app.
"""

from __future__ import annotations

import datetime

from django.db.models import Max

from dangjian.dues.models import DuesPayment
from dangjian.members.models import PartyMember


def last_paid_month(member: PartyMember) -> datetime.date | None:
    """The latest month the member's dues are settled for (its first day); None if never (one query).

    The payment service records a month only when at least its amount due is paid, so every row
    is a settled month (a waived month, due 0, too); 补交 of earlier months does not move it.
    """
    return DuesPayment.objects.filter(member=member).aggregate(last=Max("month"))["last"]


def register() -> None:
    from dangjian.members.letter import register_dues_paid_through

    register_dues_paid_through(last_paid_month)
