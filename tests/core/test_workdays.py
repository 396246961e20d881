"""Working days by the State Council notice: deadlines, spans, fallback years, the 2026 calendar."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.core import workdays
from dangjian.core.workdays import (
    CalendarNotEnteredWarning,
    WorkingCalendar,
    add_working_days,
    is_working_day,
    missing_calendar_years,
    working_days_between,
)

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

HOLIDAYS_2026 = [
    *[D(2026, 1, day) for day in range(1, 4)],
    *[D(2026, 2, day) for day in range(15, 24)],
    *[D(2026, 4, day) for day in range(4, 7)],
    *[D(2026, 5, day) for day in range(1, 6)],
    *[D(2026, 6, day) for day in range(19, 22)],
    *[D(2026, 9, day) for day in range(25, 28)],
    *[D(2026, 10, day) for day in range(1, 8)],
]
MAKE_UP_DAYS_2026 = [
    D(2026, 1, 4),
    D(2026, 2, 14),
    D(2026, 2, 28),
    D(2026, 5, 9),
    D(2026, 9, 20),
    D(2026, 10, 10),
]


@pytest.fixture(autouse=True)
def fresh_default_calendar():
    """The process-wide calendar must not carry rows of a rolled-back test into the next one."""
    workdays.reset_default_calendar()
    yield
    workdays.reset_default_calendar()


@pytest.mark.django_db
@pytest.mark.parametrize("day", HOLIDAYS_2026, ids=str)
def test_every_2026_holiday_of_the_notice_is_a_day_off(day):
    assert is_working_day(day) is False


@pytest.mark.django_db
@pytest.mark.parametrize("day", MAKE_UP_DAYS_2026, ids=str)
def test_every_2026_make_up_day_is_worked_although_it_is_a_weekend(day):
    assert day.weekday() >= 5
    assert is_working_day(day) is True


@pytest.mark.django_db
def test_2026_has_exactly_the_notices_special_days_and_plain_weeks_otherwise():
    special = set(HOLIDAYS_2026) | set(MAKE_UP_DAYS_2026)
    day = D(2026, 1, 1)
    while day.year == 2026:
        if day not in special:
            assert is_working_day(day) is (day.weekday() < 5), day
        day += datetime.timedelta(days=1)


@pytest.mark.django_db
def test_seeded_days_are_named_in_chinese():
    calendar = workdays.default_calendar()
    assert calendar.holiday_name(D(2026, 2, 17)) == "春节"
    assert calendar.holiday_name(D(2026, 10, 1)) == "国庆节"
    assert calendar.holiday_name(D(2015, 9, 3)).startswith("中国人民抗日战争")
    assert calendar.workdays[D(2026, 10, 10)] == "国庆节"


@pytest.mark.django_db
def test_calendar_is_seeded_from_2004_to_2026():
    calendar = workdays.default_calendar()
    assert set(range(2004, 2027)) <= calendar.years
    assert is_working_day(D(2004, 1, 22)) is False  # 春节 2004


@pytest.mark.django_db
def test_request_of_friday_before_spring_festival_with_three_days_is_due_on_25_february():
    assert add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)


@pytest.mark.django_db
def test_span_across_national_day_counts_the_make_up_saturday():
    # 9-30 (Wed) + 1: 10-1..10-7 off, 10-8 Thu is the first day, 10-9 Fri, 10-10 make-up Sat.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4


@pytest.mark.django_db
def test_counting_from_a_holiday_starts_on_the_next_working_day():
    assert add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 2, 16), 2) == D(2026, 2, 25)


@pytest.mark.django_db
def test_aware_datetime_counts_from_its_date_in_shanghai_not_in_utc():
    # Shanghai is UTC+8: 2026-02-12 20:00 UTC is already Friday 2026-02-13 04:00 in Shanghai,
    # so the Friday rule applies (due 2-25); counting from the UTC date would give 2-24.
    utc_evening = datetime.datetime(2026, 2, 12, 20, 0, tzinfo=datetime.UTC)
    assert add_working_days(utc_evening, 3) == D(2026, 2, 25)
    # Just after midnight on the make-up Saturday in Shanghai, still Friday in UTC.
    saturday_night = datetime.datetime(2026, 2, 14, 0, 30, tzinfo=SHANGHAI).astimezone(datetime.UTC)
    assert saturday_night.date() == D(2026, 2, 13)
    assert add_working_days(saturday_night, 3) == D(2026, 2, 26)
    # A late evening in Shanghai stays on its own date.
    friday_evening = datetime.datetime(2026, 2, 13, 23, 30, tzinfo=SHANGHAI)
    assert add_working_days(friday_evening, 3) == D(2026, 2, 25)
    assert working_days_between(friday_evening, datetime.datetime(2026, 2, 25, 9, 0, tzinfo=SHANGHAI)) == 3


@pytest.mark.django_db
def test_zero_days_is_the_start_date_and_negative_days_are_refused():
    assert add_working_days(D(2026, 2, 15), 0) == D(2026, 2, 15)
    with pytest.raises(ValueError, match="zero or more"):
        add_working_days(D(2026, 2, 13), -1)


@pytest.mark.django_db
def test_working_days_between_is_negative_when_end_is_before_start():
    assert working_days_between(D(2026, 2, 25), D(2026, 2, 13)) == -3
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 13)) == 0


def test_year_not_entered_falls_back_to_fixed_statutory_holidays_and_warns_once():
    calendar = WorkingCalendar.from_days(holidays={D(2026, 1, 1): "元旦"})
    with pytest.warns(CalendarNotEnteredWarning, match="2031 年的节假日安排尚未录入") as record:
        assert is_working_day(D(2031, 1, 1), calendar) is False  # Wednesday, 元旦
        assert is_working_day(D(2031, 5, 2), calendar) is False  # Friday, 劳动节
        assert is_working_day(D(2031, 10, 3), calendar) is False  # Friday, 国庆节
        assert is_working_day(D(2031, 10, 6), calendar) is True  # Monday: no notice, no 黄金周
        assert is_working_day(D(2031, 10, 4), calendar) is False  # Saturday
    assert len([w for w in record if issubclass(w.category, CalendarNotEnteredWarning)]) == 1
    assert "元旦 1月1日" in str(record[0].message)
    assert "春节" in str(record[0].message)


def test_explicit_calendar_needs_no_database():
    calendar = WorkingCalendar.from_days(holidays={D(2030, 1, 1): "元旦"}, workdays={D(2030, 1, 5): "元旦"})
    assert is_working_day(D(2030, 1, 1), calendar) is False
    assert is_working_day(D(2030, 1, 5), calendar) is True  # Saturday, make-up day
    assert add_working_days(D(2029, 12, 31), 1, calendar) == D(2030, 1, 2)


@pytest.mark.django_db
def test_default_calendar_asks_no_database_after_loading(django_assert_num_queries):
    is_working_day(D(2026, 1, 1))
    with django_assert_num_queries(0):
        for offset in range(200):
            is_working_day(D(2026, 1, 1) + datetime.timedelta(days=offset))
        add_working_days(D(2026, 2, 13), 30)


@pytest.mark.django_db
def test_a_change_made_by_another_process_is_seen_once_the_shared_version_moves(monkeypatch):
    from django.core.cache import cache

    from dangjian.core.models import CalendarDay

    monkeypatch.setattr(workdays, "VERSION_CHECK_SECONDS", 0.0)
    assert is_working_day(D(2026, 12, 31)) is True
    # Another process saves a row: without a new version this process keeps its copy …
    CalendarDay.objects.create(date=D(2026, 12, 31), kind="holiday", name="跨年")
    assert is_working_day(D(2026, 12, 31)) is True
    # … and reloads once that process bumps the version in the shared cache.
    cache.set(workdays.VERSION_CACHE_KEY, "bumped-elsewhere", timeout=None)
    assert is_working_day(D(2026, 12, 31)) is False


@pytest.mark.django_db
def test_missing_years_name_this_year_and_next_from_november():
    calendar = WorkingCalendar.from_days(holidays={D(2026, 1, 1): "元旦"})
    assert missing_calendar_years(D(2026, 10, 31), calendar) == []
    assert missing_calendar_years(D(2026, 11, 1), calendar) == [2027]
    assert missing_calendar_years(D(2027, 3, 1), calendar) == [2027]
    assert missing_calendar_years(D(2026, 11, 24)) == [2027]


SEEDED_SPAN = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 9, 30))


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(start=SEEDED_SPAN, days=st.integers(min_value=0, max_value=60))
def test_deadline_is_a_working_day_and_agrees_with_the_count_between(start, days):
    calendar = workdays.default_calendar()
    due = add_working_days(start, days, calendar)
    assert working_days_between(start, due, calendar) == days
    if days > 0:
        assert is_working_day(due, calendar)
        assert due > start
        # No working day is skipped: the day before the deadline counts one fewer.
        assert working_days_between(start, due - datetime.timedelta(days=1), calendar) == days - 1
