"""Properties of working-day deadlines (core/workdays.py) under any calendar of holidays and
调休 make-up days: a deadline is a working day, never a holiday, and n then m days is n + m."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.workdays import WorkingCalendar, add_working_days, is_working_day, working_days_between

YEAR_START = datetime.date(2030, 1, 1)
days_of_2030 = st.integers(min_value=0, max_value=364).map(lambda n: YEAR_START + datetime.timedelta(days=n))


@st.composite
def calendars(draw) -> WorkingCalendar:
    """A notice for 2030 and 2031: some weekdays off (holidays), some weekends worked (调休)."""
    days = st.integers(min_value=0, max_value=729).map(lambda n: YEAR_START + datetime.timedelta(days=n))
    holidays = draw(st.sets(days.filter(lambda day: day.weekday() < 5), max_size=40))
    workdays = draw(st.sets(days.filter(lambda day: day.weekday() >= 5), max_size=10))
    return WorkingCalendar.from_days(holidays=holidays, workdays=workdays, years=[2030, 2031])


@given(calendar=calendars(), start=days_of_2030, n=st.integers(min_value=1, max_value=60))
def test_a_deadline_is_a_working_day_and_never_a_holiday(calendar, start, n):
    due = add_working_days(start, n, calendar)

    assert is_working_day(due, calendar)
    assert due not in calendar.holidays
    assert due.weekday() < 5 or due in calendar.workdays


@given(
    calendar=calendars(),
    start=days_of_2030,
    n=st.integers(min_value=0, max_value=40),
    m=st.integers(min_value=0, max_value=40),
)
def test_adding_n_then_m_working_days_is_adding_n_plus_m(calendar, start, n, m):
    assert add_working_days(add_working_days(start, n, calendar), m, calendar) == add_working_days(
        start, n + m, calendar
    )


@given(calendar=calendars(), start=days_of_2030, n=st.integers(min_value=1, max_value=60))
def test_exactly_n_working_days_lie_after_the_start_up_to_the_deadline(calendar, start, n):
    due = add_working_days(start, n, calendar)
    counted = sum(
        1
        for offset in range(1, (due - start).days + 1)
        if is_working_day(start + datetime.timedelta(days=offset), calendar)
    )

    assert counted == n
    assert working_days_between(start, due, calendar) == n


@given(calendar=calendars(), start=days_of_2030, n=st.integers(min_value=0, max_value=60))
def test_a_later_start_never_gives_an_earlier_deadline(calendar, start, n):
    assert add_working_days(start, n, calendar) <= add_working_days(
        start + datetime.timedelta(days=1), n, calendar
    )
