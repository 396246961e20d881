"""What 组织生活 gives 党员积分: one event per member present at a 三会一课 meeting or a 主题党日.

Only closed meetings count (closed with minutes and complete attendance, as the compliance view
counts them); the event's day is the meeting's local start date and its id the attendance row's,
so a meeting closed late is still posted for the day it was held. Two queries, streamed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.periods import Period
from dangjian.core.registry import PointEvent, PointSource, register_point_source
from dangjian.life.choices import AttendanceStatus, MeetingKind, MeetingState
from dangjian.life.models import Attendance, Meeting

KEY = "life.attendance"
# 三会一课 (支部党员大会, 支委会, 党小组会, 党课) and 主题党日 (支部工作条例 第十一–十三、十六条).
KINDS = [
    MeetingKind.BRANCH_GENERAL,
    MeetingKind.COMMITTEE,
    MeetingKind.GROUP,
    MeetingKind.LECTURE,
    MeetingKind.THEME_DAY,
]
ONE = Decimal("1")


def attendance_events(since: datetime.date, until: datetime.date) -> Iterator[PointEvent]:
    start, end = Period(since, until + datetime.timedelta(days=1)).bounds()
    meetings = Meeting.objects.filter(
        state=MeetingState.CLOSED, kind__in=KINDS, starts_at__gte=start, starts_at__lt=end
    ).order_by()
    # Two queries: the meetings' local days (a few per branch and month), then the attendance
    # rows as plain integers — converting an aware datetime per attendance row costs more than
    # the query itself at district scale (bench/bench_member_points.py).
    days = {
        pk: timezone.localtime(starts_at).date() for pk, starts_at in meetings.values_list("pk", "starts_at")
    }
    rows = (
        Attendance.objects.filter(status=AttendanceStatus.PRESENT, meeting__in=meetings.values("pk"))
        .order_by()
        .values_list("pk", "member__person_id", "meeting_id")
    )
    for pk, person_id, meeting_id in rows.iterator(chunk_size=5000):
        yield PointEvent(person_id, days[meeting_id], KEY, str(pk), ONE)


SOURCE = register_point_source(
    PointSource(KEY, _("Attended a 三会一课 meeting or 主题党日"), attendance_events)
)
