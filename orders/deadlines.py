"""Due times for sign-for, resolution and the chase reminder, from the deadline policy
(``DeadlinePolicy``: category × urgency) and the working-day calendar (``orders.calendar``).

Without a policy row the category's own hours apply, round the clock. ``schedule`` and
``extend`` return the due times they set to a new value (``events.due_change_data``); the
order services record each as a ``DUE_CHANGED`` event after the status event of the move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings

from core import memo
from orders import calendar, events
from orders.lifecycle import Status
from orders.models import (
    CalendarDay,
    CalendarDayKind,
    DeadlinePolicy,
    DeadlineUnit,
    Order,
    SignOverdueAction,
)

_POLICY_ATTR = "_sidan_policy"


@dataclass(frozen=True)
class Limits:
    sign_limit: int
    sign_unit: str
    resolve_limit: int
    resolve_unit: str
    on_sign_overdue: str
    chase_share: Decimal
    dispatch_limit: int = 1
    dispatch_unit: str = DeadlineUnit.WORKING_DAYS
    # 小区吹哨、部门报到 (issue 12): (limit, unit) for the department's report and resolve.
    whistle_report: tuple[int, str] = (2, DeadlineUnit.HOURS)
    whistle_resolve: tuple[int, str] = (3, DeadlineUnit.WORKING_DAYS)


def _parse_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def load_calendar(*, start: date, days: int = 400) -> calendar.WorkCalendar:
    """The calendar from ``start`` for ``days`` days: one query (once per sweep batch)."""
    return memo.remembered(
        ("calendar", start, days), lambda: _read_calendar(start=start, days=days)
    )


def _read_calendar(*, start: date, days: int) -> calendar.WorkCalendar:
    rows = CalendarDay.objects.filter(
        date__gte=start, date__lte=start + timedelta(days=days)
    ).values_list("date", "kind")
    holidays = [d for d, kind in rows if kind == CalendarDayKind.HOLIDAY]
    workdays = [d for d, kind in rows if kind == CalendarDayKind.WORKDAY]
    return calendar.WorkCalendar.build(
        holidays=holidays,
        workdays=workdays,
        day_start=_parse_time(settings.SIDAN_WORKDAY_START),
        day_end=_parse_time(settings.SIDAN_WORKDAY_END),
    )


def limits_for(order: Order) -> Limits:
    """The policy for the order's category and urgency, or the category's hours."""
    cached = getattr(order, _POLICY_ATTR, None)
    if cached is not None and cached[0] == (order.category_id, order.urgency):
        return cached[1]
    limits = memo.remembered(
        ("limits", order.category_id, order.urgency), lambda: _read_limits(order)
    )
    setattr(order, _POLICY_ATTR, ((order.category_id, order.urgency), limits))
    return limits


def _read_limits(order: Order) -> Limits:
    policy = DeadlinePolicy.objects.filter(
        category_id=order.category_id, urgency=order.urgency
    ).first()
    if policy is not None:
        limits = Limits(
            policy.sign_limit,
            policy.sign_unit,
            policy.resolve_limit,
            policy.resolve_unit,
            policy.on_sign_overdue,
            Decimal(policy.chase_share),
            policy.dispatch_limit,
            policy.dispatch_unit,
            (policy.whistle_report_limit, policy.whistle_report_unit),
            (policy.whistle_resolve_limit, policy.whistle_resolve_unit),
        )
    else:
        dispatch = settings.SIDAN_DISPATCH_LIMITS.get(
            order.urgency, settings.SIDAN_DISPATCH_LIMITS["normal"]
        )
        whistle = settings.SIDAN_WHISTLE_LIMITS.get(
            order.urgency, settings.SIDAN_WHISTLE_LIMITS["normal"]
        )
        limits = Limits(
            order.category.sign_for_hours,
            DeadlineUnit.HOURS,
            order.category.resolve_hours,
            DeadlineUnit.HOURS,
            SignOverdueAction.ESCALATE,
            Decimal(str(settings.SIDAN_CHASE_SHARE)),
            dispatch[0],
            dispatch[1],
            tuple(whistle[0]),
            tuple(whistle[1]),
        )
    return limits


def add_limit(
    *, start: datetime, limit: int, unit: str, cal: calendar.WorkCalendar | None = None
) -> datetime:
    if unit == DeadlineUnit.MINUTES:
        return start + timedelta(minutes=limit)
    if unit == DeadlineUnit.HOURS:
        return calendar.add_hours(start, limit)
    cal = cal or load_calendar(start=start.astimezone(calendar.SHANGHAI).date())
    if unit == DeadlineUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, limit, cal)
    if unit == DeadlineUnit.WORKING_DAYS:
        return calendar.add_working_days(start, limit, cal)
    raise ValueError(f"unknown deadline unit {unit!r}")


def _calendar_for(start: datetime) -> calendar.WorkCalendar:
    return load_calendar(start=start.astimezone(calendar.SHANGHAI).date())


def sign_due(
    *, order: Order, start: datetime, cal: calendar.WorkCalendar | None = None
) -> datetime:
    """Sign-for due time; never later than the resolution due time."""
    limits = limits_for(order)
    cal = cal or _calendar_for(start)
    due = add_limit(start=start, limit=limits.sign_limit, unit=limits.sign_unit, cal=cal)
    return min(due, resolve_due(order=order, start=start, cal=cal))


def resolve_due(
    *, order: Order, start: datetime, cal: calendar.WorkCalendar | None = None
) -> datetime:
    limits = limits_for(order)
    return add_limit(start=start, limit=limits.resolve_limit, unit=limits.resolve_unit, cal=cal)


def chase_due(
    *, order: Order, start: datetime, due: datetime, cal: calendar.WorkCalendar | None = None
) -> datetime:
    """When the handler is reminded: ``chase_share`` of the resolution limit.

    For working-time limits the share is of the working time (a reminder never lands on a
    night or a holiday); for round-the-clock limits it is of the elapsed time.
    """
    limits = limits_for(order)
    share = float(limits.chase_share)
    if limits.resolve_unit == DeadlineUnit.HOURS:
        return start + (due - start) * share
    cal = cal or _calendar_for(start)
    working = calendar.working_time_between(start, due, cal)
    return calendar.add_working_hours(start, working.total_seconds() * share / 3600, cal)


def dispatch_due(
    *, order: Order, start: datetime, cal: calendar.WorkCalendar | None = None
) -> datetime:
    """By when an order entering 待派单 at ``start`` must be dispatched."""
    limits = limits_for(order)
    return add_limit(start=start, limit=limits.dispatch_limit, unit=limits.dispatch_unit, cal=cal)


def dispatch_supervise_due(*, order: Order, due: datetime) -> datetime:
    """Still not dispatched one more dispatch limit after the chase: the street supervises."""
    return dispatch_due(order=order, start=due)


def whistle_dues(*, order: Order, start: datetime) -> tuple[datetime, datetime]:
    """(report due, resolve due) of a whistle blown on ``order`` at ``start``: the policy's
    whistle limits for the order's category and urgency; the resolve due never before the
    report due."""
    limits = limits_for(order)
    cal = _calendar_for(start)
    report = add_limit(
        start=start, limit=limits.whistle_report[0], unit=limits.whistle_report[1], cal=cal
    )
    resolve = add_limit(
        start=start, limit=limits.whistle_resolve[0], unit=limits.whistle_resolve[1], cal=cal
    )
    return report, max(report, resolve)


def on_sign_overdue(order: Order) -> str:
    return limits_for(order).on_sign_overdue


# --- applied by the order services -----------------------------------------------------


def _due_changes(*changes: tuple[str, datetime | None, datetime | None]) -> list[dict]:
    return [
        events.due_change_data(field=field, old=old, new=new)
        for field, old, new in changes
        if old != new
    ]


def schedule(order: Order, *, now: datetime) -> list[dict]:
    """Set the due times of a fresh assignment (dispatch or escalation to a handler);
    returns the due-time changes to record."""
    old_sign, old_resolve = order.sign_due_at, order.resolve_due_at
    cal = _calendar_for(now)  # one query for all three
    order.resolve_due_at = resolve_due(order=order, start=now, cal=cal)
    order.sign_due_at = sign_due(order=order, start=now, cal=cal)
    order.chase_due_at = chase_due(order=order, start=now, due=order.resolve_due_at, cal=cal)
    order.chased_at = None
    order.overdue_at = None
    return _due_changes(
        ("sign_due_at", old_sign, order.sign_due_at),
        ("resolve_due_at", old_resolve, order.resolve_due_at),
    )


def dispatch_window(order: Order, *, from_status: str, to_status: str, now: datetime) -> None:
    """Every move keeps the dispatch limit in step with the status (``_move``, placement):
    entering 待派单 starts it (and its sweep), leaving clears it."""
    waiting = to_status == Status.AWAITING_DISPATCH
    if waiting and from_status != Status.AWAITING_DISPATCH:
        order.dispatch_due_at = dispatch_due(order=order, start=now)
        order.dispatch_sweep_at = order.dispatch_due_at
        order.dispatch_stage = 0
    elif not waiting:
        order.dispatch_due_at = order.dispatch_sweep_at = None
        order.dispatch_stage = 0


def extend(order: Order, *, until: datetime) -> list[dict]:
    """An approved extension moves the resolution due time (and lifts the overdue mark);
    returns the due-time change to record."""
    changes = _due_changes(("resolve_due_at", order.resolve_due_at, until))
    order.resolve_due_at = until
    order.overdue_at = None
    return changes


def start_rating_window(order: Order, *, now: datetime) -> None:
    """At resolve: the rating request goes out now; the sweep follows up from here."""
    order.chase_due_at = None
    order.rating_stage = 0
    order.rating_due_at = now + timedelta(hours=settings.SIDAN_RATING_REMINDER_HOURS)


def rating_step_due(*, resolved_at: datetime, stage: int) -> datetime | None:
    """When the step after ``stage`` is due: 1 reminder, 2 callback, 3 close unrated."""
    if stage == 0:
        return resolved_at + timedelta(hours=settings.SIDAN_RATING_REMINDER_HOURS)
    if stage == 1:
        return resolved_at + timedelta(days=settings.SIDAN_CALLBACK_AFTER_DAYS)
    if stage == 2:
        return resolved_at + timedelta(days=settings.SIDAN_RATING_WINDOW_DAYS)
    return None
