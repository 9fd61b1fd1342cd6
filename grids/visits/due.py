"""When a household is next due a visit — pure functions, no database.

A household's visit interval is the shortest interval of its care categories
(特殊人群, weekly by default), or ``DEFAULT_VISIT_EVERY_DAYS`` (monthly) with none. It is
due ``interval`` days after its last visit (or after it was registered, never visited)
and overdue from the day after that date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from grids.models import DEFAULT_VISIT_EVERY_DAYS


def interval_days(category_days: Iterable[int]) -> int:
    return min(category_days, default=DEFAULT_VISIT_EVERY_DAYS)


def next_due(*, since: date, every_days: int) -> date:
    return since + timedelta(days=every_days)


def is_overdue(*, due: date, today: date) -> bool:
    return due < today


def days_overdue(*, due: date, today: date) -> int:
    return max((today - due).days, 0)
