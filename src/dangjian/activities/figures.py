"""The activities figures in the platform's figures store, each opening the records it counts:

- ``activities.hours``: confirmed hours of service recorded in the organization's subtree in the
  period (corrections included: the sum of the ledger);
- ``activities.activities_held``: activities of the subtree finished and ending in the period;
- ``activities.hours_per_member``: confirmed hours of active party members of the subtree
  (recorded anywhere) in the period ÷ those members (for evaluation).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dangjian.activities.choices import ActivityState
from dangjian.activities.models import Activity, HoursRecord
from dangjian.core.periods import Period
from dangjian.core.registry import Figure, register_figure
from dangjian.core.workbench import with_query
from dangjian.members.models import PartyMember

HOURS_VIEW = "activities.view_hoursrecord"
ACTIVITY_VIEW = "activities.view_activity"
TENTH = Decimal("0.1")


def hours(node, period: Period) -> Decimal:
    total = HoursRecord.objects.filter(
        org__path__startswith=node.path, served_on__gte=period.start, served_on__lt=period.end
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def _span(periods: list[Period]) -> Period:
    return Period(periods[0].start, periods[-1].end)


def _by_month(rows, periods: list[Period], empty):
    """``[value of each period]`` from rows of ``(month, value)`` grouped by month (a date, or
    an aware datetime at the start of a local month)."""
    values = {}
    for month, value in rows:
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date()
        values[month.replace(day=1)] = value
    return [values.get(period.start, empty) for period in periods]


def hours_series(node, periods: list[Period]) -> list[Decimal]:
    """``hours`` for each of the consecutive months ``periods``, in one grouped query."""
    if not periods:
        return []
    span = _span(periods)
    rows = (
        HoursRecord.objects.filter(
            org__path__startswith=node.path, served_on__gte=span.start, served_on__lt=span.end
        )
        .order_by()
        .annotate(month=TruncMonth("served_on"))
        .values_list("month")
        .annotate(total=Sum("hours"))
    )
    return _by_month(rows, periods, Decimal("0"))


def hours_url(node, period: Period) -> str:
    return with_query(
        reverse("activities:hours_list"),
        org=node.pk,
        start=period.start.isoformat(),
        end=period.last_day.isoformat(),
    )


def activities_held(node, period: Period) -> int:
    start, end = period.bounds()
    return Activity.objects.filter(
        org__path__startswith=node.path, state=ActivityState.FINISHED, ends_at__gte=start, ends_at__lt=end
    ).count()


def activities_held_series(node, periods: list[Period]) -> list[int]:
    """``activities_held`` for each of the consecutive months ``periods``, in one grouped query."""
    if not periods:
        return []
    start, end = _span(periods).bounds()
    rows = (
        Activity.objects.filter(
            org__path__startswith=node.path, state=ActivityState.FINISHED, ends_at__gte=start, ends_at__lt=end
        )
        .order_by()
        .annotate(month=TruncMonth("ends_at"))
        .values_list("month")
        .annotate(n=Count("id"))
    )
    return _by_month(rows, periods, 0)


def activities_url(node, period: Period) -> str:
    return with_query(reverse("activities:activity_list"), state=ActivityState.FINISHED, org=node.pk)


def hours_per_member(node, period: Period) -> Decimal | None:
    members = PartyMember.objects.filter(org__path__startswith=node.path, is_active=True)
    count = members.count()
    if not count:
        return None
    total = HoursRecord.objects.filter(
        person_id__in=members.values("person_id"), served_on__gte=period.start, served_on__lt=period.end
    ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
    return (total / count).quantize(TENTH)


def hours_per_member_url(node, period: Period) -> str:
    return with_query(
        reverse("activities:hours_list"),
        members=1,
        org=node.pk,
        start=period.start.isoformat(),
        end=period.last_day.isoformat(),
    )


def register_figures() -> None:
    register_figure(
        Figure(
            key="activities.hours",
            label=gettext_lazy("Volunteer service hours"),
            unit=gettext_lazy("hours"),
            compute=hours,
            records_url=hours_url,
            series=hours_series,
            permission=HOURS_VIEW,
            description=gettext_lazy(
                "Confirmed hours recorded by the organization and those below it in the period, 双报到 included."
            ),
        )
    )
    register_figure(
        Figure(
            key="activities.activities_held",
            label=gettext_lazy("Volunteer activities held"),
            unit=gettext_lazy("activities"),
            compute=activities_held,
            records_url=activities_url,
            series=activities_held_series,
            permission=ACTIVITY_VIEW,
            description=gettext_lazy(
                "Activities of the organization and those below it finished in the period."
            ),
        )
    )
    register_figure(
        Figure(
            key="activities.hours_per_member",
            label=gettext_lazy("Service hours per party member"),
            unit=gettext_lazy("hours"),
            compute=hours_per_member,
            records_url=hours_per_member_url,
            permission=HOURS_VIEW,
            description=gettext_lazy(
                "Confirmed hours of the active party members of the organization and those below it in the period, "
                "divided by those members."
            ),
        )
    )
