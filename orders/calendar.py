"""Working-day arithmetic in Asia/Shanghai: pure functions over a ``WorkCalendar``.

The rules (see docs/deadlines.md):

* A day is a working day when it is a make-up working day (调休上班), or else when it is a
  Monday–Friday that is not a public holiday. Holidays and make-up days are entered per year
  in the admin (``orders.CalendarDay``).
* Working hours are 09:00–17:30 local time (``SIDAN_WORKDAY_START`` / ``SIDAN_WORKDAY_END``).
* A start outside working time is first moved to the next working-time instant (before 09:00
  → 09:00 that day; after 17:30 or on a day off → 09:00 of the next working day).
* "N working days" is the same clock time N working days after the (moved) start.
* "N working hours" is counted only inside working hours, carrying into the next working day.
* "N hours" is plain elapsed time, round the clock (emergencies, utilities).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_DAY_START = time(9, 0)
DEFAULT_DAY_END = time(17, 30)
# A guard against a calendar with no working days at all (a data-entry mistake).
MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    day_start: time = DEFAULT_DAY_START
    day_end: time = DEFAULT_DAY_END

    @classmethod
    def build(
        cls,
        *,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        day_start: time = DEFAULT_DAY_START,
        day_end: time = DEFAULT_DAY_END,
    ) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(workdays), day_start, day_end)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for _i in range(MAX_SCAN_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("no working day within ten years; check the calendar")

    @property
    def day_length(self) -> timedelta:
        return _on(date(2000, 1, 1), self.day_end) - _on(date(2000, 1, 1), self.day_start)


def _on(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=SHANGHAI)


def to_working_time(moment: datetime, cal: WorkCalendar) -> datetime:
    """``moment`` if it is inside working hours, else the next working-time instant."""
    local = moment.astimezone(SHANGHAI)
    day = local.date()
    if cal.is_working_day(day):
        if local < _on(day, cal.day_start):
            return _on(day, cal.day_start)
        if local < _on(day, cal.day_end):
            return local
    return _on(cal.next_working_day(day), cal.day_start)


def add_hours(start: datetime, hours: float) -> datetime:
    return start + timedelta(hours=hours)


def add_working_days(start: datetime, days: int, cal: WorkCalendar) -> datetime:
    """The same clock time ``days`` working days after ``start`` (moved into working time)."""
    local = to_working_time(start, cal)
    day = local.date()
    for _i in range(days):
        day = cal.next_working_day(day)
    return datetime.combine(day, local.timetz())


def add_working_hours(start: datetime, hours: float, cal: WorkCalendar) -> datetime:
    """``hours`` of working time after ``start``, counted only between day start and day end."""
    remaining = timedelta(hours=hours)
    current = to_working_time(start, cal)
    for _i in range(MAX_SCAN_DAYS):
        end_of_day = _on(current.date(), cal.day_end)
        left_today = end_of_day - current
        if remaining <= left_today:
            return current + remaining
        remaining -= left_today
        current = _on(cal.next_working_day(current.date()), cal.day_start)
    raise ValueError("working-hour limit too long")


def working_time_between(start: datetime, end: datetime, cal: WorkCalendar) -> timedelta:
    """Working time elapsed from ``start`` to ``end`` (for reports and chase shares)."""
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    current = to_working_time(start, cal)
    while current < end:
        end_of_day = _on(current.date(), cal.day_end)
        total += min(end, end_of_day) - current
        current = _on(cal.next_working_day(current.date()), cal.day_start)
    return total
