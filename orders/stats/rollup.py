"""The rollup: ``DailyCount`` rows kept equal to what raw orders give (issue 9).

``fill()`` reads the event log past its ``FillState`` watermark (plus the last few minutes
again, for transactions that committed late), finds the orders those events belong to,
and recomputes every cell ``(day, area, category)`` those orders contribute to — from all
the orders contributing to that cell. A late rating or callback therefore corrects the
cells of the days it touches (the rating's day, and the placement/first-dispatch days
whose outcome it changes). Recomputing a cell from raw rows makes the job idempotent: run
it twice and the rows are the same.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from core import clock
from grids.models import Area
from orders.models import DailyCount, FillState, Order, OrderEvent
from orders.stats import facts

STATE = "daily_counts"
# Events at most this old are read again on every run (their ids may have committed after
# a higher id the watermark already passed).
RELOOK = timedelta(minutes=10)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of an Asia/Shanghai calendar day as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)
    return start, end


def _orders_in_cells(days: dict[date, tuple[set[int], set[int]]]) -> set[int]:
    """Orders that may contribute to a cell of ``days`` (area and category sets per day):
    placed on that day or with an event on that day."""
    ids: set[int] = set()
    for day, (areas, categories) in days.items():
        start, end = day_bounds(day)
        base = Order.objects.filter(area_id__in=areas, category_id__in=categories)
        ids.update(
            base.filter(placed_at__gte=start, placed_at__lt=end).values_list("pk", flat=True)
        )
        ids.update(
            OrderEvent.objects.filter(
                at__gte=start,
                at__lt=end,
                order__area_id__in=areas,
                order__category_id__in=categories,
            ).values_list("order_id", flat=True)
        )
    return ids


def recompute(order_ids: set[int]) -> int:
    """Recompute every cell the given orders contribute to; returns the cells written."""
    if not order_ids:
        return 0
    touched = facts.order_contributions(order_ids)
    cells: set[tuple[date, int, int]] = set()
    for row, counts in touched.values():
        cells.update((day, row.area_id, row.category_id) for day, _m in counts)
    per_day: dict[date, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for day, area_id, category_id in cells:
        per_day[day][0].add(area_id)
        per_day[day][1].add(category_id)
    others = _orders_in_cells(per_day) - set(touched)
    everyone = dict(touched)
    everyone.update(facts.order_contributions(others))
    totals: dict[tuple[date, int, int], Counter] = defaultdict(Counter)
    for row, counts in everyone.values():
        for (day, measure), value in counts.items():
            cell = (day, row.area_id, row.category_id)
            if cell in cells and value:
                totals[cell][measure] += value
    paths = dict(Area.objects.filter(pk__in={a for _d, a, _c in cells}).values_list("pk", "path"))
    with transaction.atomic():
        for day, (areas, categories) in per_day.items():
            doomed = {(a, c) for d, a, c in cells if d == day}
            existing = DailyCount.objects.filter(
                day=day, area_id__in=areas, category_id__in=categories
            ).values_list("pk", "area_id", "category_id")
            DailyCount.objects.filter(
                pk__in=[pk for pk, a, c in existing if (a, c) in doomed]
            ).delete()
        DailyCount.objects.bulk_create(
            [
                DailyCount(
                    day=day,
                    area_id=area_id,
                    area_path=paths[area_id],
                    category_id=category_id,
                    counts=dict(totals[(day, area_id, category_id)]),
                )
                for day, area_id, category_id in sorted(cells)
                if totals[(day, area_id, category_id)]
            ],
            batch_size=2000,
        )
    return len(cells)


def rebuild(chunk: int = 5000) -> int:
    """Every cell from scratch: each order's contributions once, summed, one bulk insert
    per chunk of cells (the full build; ``recompute`` is for the increments)."""
    totals: dict[tuple[date, int, int], Counter] = defaultdict(Counter)
    ids = list(Order.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        for row, counts in facts.order_contributions(ids[start : start + chunk]).values():
            for (day, measure), value in counts.items():
                if value:
                    totals[(day, row.area_id, row.category_id)][measure] += value
    paths = dict(Area.objects.filter(pk__in={a for _d, a, _c in totals}).values_list("pk", "path"))
    DailyCount.objects.all().delete()
    DailyCount.objects.bulk_create(
        (
            DailyCount(day=day, area_id=a, area_path=paths[a], category_id=c, counts=dict(counts))
            for (day, a, c), counts in totals.items()
        ),
        batch_size=2000,
    )
    return len(totals)


def fill(*, full: bool = False) -> dict:
    """Bring the rollup up to date with the event log; ``full`` rebuilds from scratch.

    One fill at a time: the run holds its ``FillState`` row locked (a second, concurrent
    run finds it locked and returns at once — the next beat tick catches up)."""
    FillState.objects.get_or_create(name=STATE)
    with transaction.atomic():
        state = FillState.objects.select_for_update(skip_locked=True).filter(name=STATE).first()
        if state is None:
            return {"orders": 0, "cells": 0, "skipped": True}
        top = OrderEvent.objects.aggregate(top=Max("id"))["top"] or 0
        if full:
            cells = rebuild()
            state.last_event_id = top
            state.filled_at = clock.now()
            state.save(update_fields=["last_event_id", "filled_at"])
            return {"orders": None, "cells": cells, "last_event_id": top}
        else:
            since = clock.now() - RELOOK
            order_ids = set(
                OrderEvent.objects.filter(
                    Q(id__gt=state.last_event_id, id__lte=top) | Q(at__gte=since)
                ).values_list("order_id", flat=True)
            )
        cells = 0
        ids = sorted(order_ids)
        for start in range(0, len(ids), 5000):
            cells += recompute(set(ids[start : start + 5000]))
        state.last_event_id = top
        state.filled_at = clock.now()
        state.save(update_fields=["last_event_id", "filled_at"])
    return {"orders": len(order_ids), "cells": cells, "last_event_id": top}


def filled_at() -> datetime | None:
    """When the rollup was last brought up to date (shown on the dashboards)."""
    return FillState.objects.filter(name=STATE).values_list("filled_at", flat=True).first()
