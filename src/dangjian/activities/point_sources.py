"""What the hours ledger gives 党员积分: the confirmed hours of each hours record, 双报到 service
included (one hours ledger, not two). A correction is a record of its own with the change of
hours (negative to reduce), so it posts its own, possibly negative, event. One query, streamed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from dangjian.activities.models import HoursRecord
from dangjian.core.registry import PointEvent, PointSource, register_point_source

KEY = "activities.hours"


def hours_events(since: datetime.date, until: datetime.date) -> Iterator[PointEvent]:
    rows = (
        HoursRecord.objects.filter(served_on__gte=since, served_on__lte=until)
        .order_by()
        .values_list("pk", "person_id", "served_on", "hours")
    )
    for pk, person_id, served_on, hours in rows.iterator(chunk_size=5000):
        yield PointEvent(person_id, served_on, KEY, str(pk), hours)


SOURCE = register_point_source(PointSource(KEY, _("Confirmed volunteer hours"), hours_events))
