"""政治生日: each member's joining anniversary (DOMAIN.md "Organizational life").

The anniversary of ``joined_on`` (the 支部大会 admission) is greeted on the day, and the branch
is reminded of the coming week's anniversaries so it can mark them (a greeting card, a
re-reading of the oath). Windows are filtered with ``joined_on__month`` / ``__day`` lookups,
which both SQLite and PostgreSQL evaluate in the database; a member who joined on 29 February
is celebrated on 28 February in common years.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth
from django.urls import reverse
from django.utils.translation import gettext

from dangjian.core.notifications import notify
from dangjian.members.models import PartyMember

GREETING_KIND = "political_birthday"
REMINDER_KIND = "political_birthday_reminder"


def month_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of ``today``'s month."""
    last = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1), today.replace(day=last)


def _window_q(start: datetime.date, end: datetime.date) -> Q:
    """Rows whose joining month and day fall between ``start`` and ``end`` (at most a year apart)."""
    spans: dict[tuple[int, int], list[int]] = {}  # (year, month) -> [first day, last day]
    day = start
    while day <= end:
        span = spans.setdefault((day.year, day.month), [day.day, day.day])
        span[1] = day.day
        day += datetime.timedelta(days=1)
    query = Q(pk__in=[])
    months_seen: set[int] = set()
    for (year, month), (first, last) in spans.items():
        if month in months_seen:  # a window longer than eleven months: already covered
            continue
        months_seen.add(month)
        if month == 2 and last == 28 and not calendar.isleap(year):
            last = 29  # 29 February joiners are celebrated on the 28th in common years
        query |= Q(joined_on__month=month, joined_on__day__gte=first, joined_on__day__lte=last)
    return query


def anniversaries(members: QuerySet[PartyMember], start: datetime.date, end: datetime.date) -> QuerySet:
    """``members`` whose 政治生日 falls between ``start`` and ``end``, in date order.

    Members who joined on or after ``start`` have no anniversary yet in the window and are left
    out. The order puts January after December when the window crosses the new year.
    """
    month = ExtractMonth("joined_on")
    return (
        members.filter(joined_on__isnull=False, joined_on__lt=start)
        .filter(_window_q(start, end))
        .annotate(
            birthday_month=Case(
                When(joined_on__month__lt=start.month, then=month + Value(12)),
                default=month,
                output_field=IntegerField(),
            ),
            birthday_day=ExtractDay("joined_on"),
        )
        .order_by(F("birthday_month"), F("birthday_day"), "id")
    )


@dataclass(frozen=True)
class Anniversary:
    member: PartyMember
    on: datetime.date
    years: int

    @classmethod
    def of(cls, member: PartyMember, start: datetime.date) -> Anniversary:
        """The first anniversary of ``member`` on or after ``start``, and how many years it marks."""
        joined = member.joined_on
        year = start.year if (joined.month, joined.day) >= (start.month, start.day) else start.year + 1
        day = joined.day
        if joined.month == 2 and day == 29 and not calendar.isleap(year):
            day = 28
        return cls(member=member, on=datetime.date(year, joined.month, day), years=year - joined.year)


def next_week(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the week after ``today``'s."""
    monday = today + datetime.timedelta(days=7 - today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def send_political_birthday_notices(today: datetime.date) -> tuple[int, int]:
    """Greet today's members and remind branches of next week's; returns (greetings, reminders).

    Idempotent: each greeting is keyed by member and date, each reminder by branch and week, so a
    second run the same day (or week) writes nothing. Members who joined in the system without a
    user account get no personal greeting; their branch still sees them in its reminder.
    """
    from dangjian.accounts.models import User

    active = PartyMember.objects.filter(is_active=True)
    greetings = 0
    todays = list(anniversaries(active, today, today).select_related("person", "org"))
    users_by_person = {
        user.person_id: user
        for user in User.objects.filter(person_id__in=[member.person_id for member in todays], is_active=True)
    }
    for member in todays:
        user = users_by_person.get(member.person_id)
        if user is None:
            continue
        years = Anniversary.of(member, today).years
        written = notify(
            kind=GREETING_KIND,
            user=user,
            title=gettext("Happy political birthday: %(years)s years in the Party") % {"years": years},
            body=gettext(
                "On %(date)s you joined the Communist Party of China. %(org)s wishes you a happy "
                "political birthday; remember the oath and keep the original aspiration."
            )
            % {"date": member.joined_on.isoformat(), "org": member.org.name},
            dedupe_key=f"political-birthday:{member.pk}:{today.isoformat()}",
        )
        greetings += written is not None
    monday, sunday = next_week(today)
    by_org: dict[int, list[PartyMember]] = {}
    coming = anniversaries(active, monday, sunday).select_related("person", "org")
    for member in coming:
        by_org.setdefault(member.org_id, []).append(member)
    reminders = 0
    link = reverse("members:political_birthdays") + "?window=30"
    for members in by_org.values():
        org = members[0].org
        lines = [
            gettext("%(date)s %(name)s, %(years)s years")
            % {
                "date": Anniversary.of(member, monday).on.strftime("%m-%d"),
                "name": member.person.name,
                "years": Anniversary.of(member, monday).years,
            }
            for member in members
        ]
        written = notify(
            kind=REMINDER_KIND,
            org=org,
            title=gettext("%(count)s political birthdays next week") % {"count": len(members)},
            body="\n".join(lines),
            link=link,
            # The 政治生日 page lists members under this permission (members.views.political_birthdays).
            permission="members.view_partymember",
            obj=org,
            dedupe_key=f"political-birthdays:{org.pk}:{monday.isoformat()}",
        )
        reminders += written is not None
    return greetings, reminders
