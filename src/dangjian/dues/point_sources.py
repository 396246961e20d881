"""What the dues ledger gives 党员积分: one event per month's dues paid on time.

On time follows the ledger's rule (``dues.ledger``): a month is in arrears once it is over and
unpaid, so a month is paid on time when it was paid in full (``amount_paid >= amount_due``) no
later than the month's last day (paying ahead counts). The event's day is the first of the month
paid for. One query, streamed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import PointEvent, PointSource, register_point_source
from dangjian.dues.ledger import add_months, month_of
from dangjian.dues.models import DuesPayment

KEY = "dues.on_time"
ONE = Decimal("1")


def on_time_events(since: datetime.date, until: datetime.date) -> Iterator[PointEvent]:
    rows = (
        DuesPayment.objects.filter(
            month__gte=since if since.day == 1 else add_months(month_of(since), 1),
            month__lte=until,
            amount_paid__gte=F("amount_due"),
        )
        .order_by()
        .values_list("pk", "member__person_id", "month", "paid_on")
    )
    for pk, person_id, month, paid_on in rows.iterator(chunk_size=5000):
        if paid_on < add_months(month, 1):
            yield PointEvent(person_id, month, KEY, str(pk), ONE)


SOURCE = register_point_source(PointSource(KEY, _("A month's dues paid on time"), on_time_events))
