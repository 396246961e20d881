"""Seed the working-day calendar for 2004-2026 from the chinese_calendar package.

2026 is checked against the State Council notice of 2025-11-04 (as quoted in DOMAIN.md) and the
notice wins where the package disagrees. Later years are entered by admins each November.
"""

import datetime

from django.db import migrations

FIRST_YEAR, LAST_YEAR = 2004, 2026
SOURCE = "chinese_calendar（国务院办公厅历年节假日安排通知）"
SOURCE_2026 = "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _span(first, last, name):
    first, last = datetime.date(2026, *first), datetime.date(2026, *last)
    return {first + datetime.timedelta(days=n): name for n in range((last - first).days + 1)}


# The 2026 notice, as DOMAIN.md quotes it.
HOLIDAYS_2026 = {
    **_span((1, 1), (1, 3), "元旦"),
    **_span((2, 15), (2, 23), "春节"),
    **_span((4, 4), (4, 6), "清明节"),
    **_span((5, 1), (5, 5), "劳动节"),
    **_span((6, 19), (6, 21), "端午节"),
    **_span((9, 25), (9, 27), "中秋节"),
    **_span((10, 1), (10, 7), "国庆节"),
}
WORKDAYS_2026 = {
    datetime.date(2026, 1, 4): "元旦",
    datetime.date(2026, 2, 14): "春节",
    datetime.date(2026, 2, 28): "春节",
    datetime.date(2026, 5, 9): "劳动节",
    datetime.date(2026, 9, 20): "国庆节",
    datetime.date(2026, 10, 10): "国庆节",
}


def seed(apps, schema_editor):
    from chinese_calendar import constants

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    db = schema_editor.connection.alias

    def in_range(mapping):
        return {
            day: NAMES.get(name, name)
            for day, name in mapping.items()
            if FIRST_YEAR <= day.year <= LAST_YEAR and day.year != 2026
        }

    holidays = in_range(constants.holidays) | HOLIDAYS_2026
    workdays = in_range(constants.workdays) | WORKDAYS_2026
    existing_years = set(CalendarYear.objects.using(db).values_list("year", flat=True))
    years = [year for year in range(FIRST_YEAR, LAST_YEAR + 1) if year not in existing_years]
    CalendarYear.objects.using(db).bulk_create(
        [CalendarYear(year=year, source=SOURCE_2026 if year == 2026 else SOURCE) for year in years]
    )
    days = [
        CalendarDay(date=day, kind=kind, name=name)
        for kind, mapping in (("holiday", holidays), ("workday", workdays))
        for day, name in sorted(mapping.items())
        if day.year in years
    ]
    CalendarDay.objects.using(db).bulk_create(days, batch_size=500)


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    db = schema_editor.connection.alias
    seeded = CalendarYear.objects.using(db).filter(
        year__range=(FIRST_YEAR, LAST_YEAR), source__in=[SOURCE, SOURCE_2026]
    )
    for year in seeded.values_list("year", flat=True):
        CalendarDay.objects.using(db).filter(
            date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        ).delete()
    seeded.delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_person_search_index")]
    operations = [migrations.RunPython(seed, unseed)]
