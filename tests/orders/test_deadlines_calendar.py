"""Working-day arithmetic: weekends, the 2026 holidays and make-up days, working hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from orders import calendar
from orders.calendar import SHANGHAI, WorkCalendar
from orders.deadlines import load_calendar


def at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


PLAIN = WorkCalendar.build()


def test_working_days_skip_the_weekend():
    # Friday 10:00 + 1 working day is Monday 10:00.
    assert calendar.add_working_days(at(2026, 3, 6), 1, PLAIN) == at(2026, 3, 9)
    assert calendar.add_working_days(at(2026, 3, 6), 5, PLAIN) == at(2026, 3, 13)


def test_a_start_on_a_day_off_counts_from_the_next_working_morning():
    # Saturday afternoon → Monday 09:00 → + 1 working day = Tuesday 09:00.
    assert calendar.add_working_days(at(2026, 3, 7, 14), 1, PLAIN) == at(2026, 3, 10, 9)
    # After hours on a working day → next working morning.
    assert calendar.add_working_days(at(2026, 3, 9, 20), 1, PLAIN) == at(2026, 3, 11, 9)


def test_holidays_and_make_up_days_from_the_calendar():
    cal = WorkCalendar.build(
        holidays=[date(2026, 10, d) for d in range(1, 8)], workdays=[date(2026, 10, 10)]
    )
    # Wednesday 30 Sep + 1 working day jumps the National Day week.
    assert calendar.add_working_days(at(2026, 9, 30), 1, cal) == at(2026, 10, 8)
    # Friday 9 Oct + 1 working day is the make-up Saturday.
    assert calendar.add_working_days(at(2026, 10, 9), 1, cal) == at(2026, 10, 10)
    assert not cal.is_working_day(date(2026, 10, 5)) and cal.is_working_day(date(2026, 10, 10))


@pytest.mark.django_db
def test_a_limit_across_the_spring_festival_with_the_seeded_2026_calendar():
    cal = load_calendar(start=date(2026, 1, 1))
    # Fri 13 Feb + 7 working days: Sat 14 (make-up), [15–23 off], 24, 25, 26, 27,
    # Sat 28 (make-up), Mon 2 Mar.
    assert calendar.add_working_days(at(2026, 2, 13), 7, cal) == at(2026, 3, 2)
    assert not cal.is_working_day(date(2026, 1, 1)) and cal.is_working_day(date(2026, 1, 4))
    assert not cal.is_working_day(date(2026, 5, 5)) and cal.is_working_day(date(2026, 5, 9))


def test_working_hours_carry_over_to_the_next_working_day():
    # Friday 16:30 + 2 working hours: 1 h on Friday (to 17:30), 1 h on Monday → 10:00.
    assert calendar.add_working_hours(at(2026, 3, 6, 16, 30), 2, PLAIN) == at(2026, 3, 9, 10)
    # Before opening time the count starts at 09:00.
    assert calendar.add_working_hours(at(2026, 3, 9, 7), 2, PLAIN) == at(2026, 3, 9, 11)
    # A full working day of hours lands at the end of that day.
    assert calendar.add_working_hours(at(2026, 3, 9, 9), 8.5, PLAIN) == at(2026, 3, 9, 17, 30)


def test_round_the_clock_hours_ignore_the_calendar():
    assert calendar.add_hours(at(2026, 10, 1, 23), 2) == at(2026, 10, 2, 1)


def test_working_time_between_counts_only_working_hours():
    assert calendar.working_time_between(
        at(2026, 3, 6, 16, 30), at(2026, 3, 9, 10), PLAIN
    ) == timedelta(hours=2)
    assert calendar.working_time_between(at(2026, 3, 9), at(2026, 3, 9), PLAIN) == timedelta(0)


def test_utc_input_is_read_in_shanghai_time():
    utc_moment = datetime(2026, 3, 6, 2, 0, tzinfo=SHANGHAI).astimezone(tz=None)
    assert calendar.add_working_days(utc_moment, 1, PLAIN) == at(2026, 3, 9, 9)
