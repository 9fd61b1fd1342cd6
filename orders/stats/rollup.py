"""The rollup: ``DailyCount`` rows kept equal to what raw orders give (issue 9).

``fill()`` reads the event log past its ``FillState`` watermark (plus the last few minutes
again, for transactions that committed late), finds the orders those events belong to,
and recomputes every cell ``(day, area, category)`` those orders contribute to — from all
the orders contributing to that cell. A late rating or callback therefore corrects the
cells of the days it touches (the rating's day, and the placement/first-dispatch days
whose outcome it changes). Recomputing a cell from raw rows makes the job idempotent: run
it twice and the rows are the same.

``MonthlyCount`` holds the same measures per month at street, community and grid level:
each daily cell's change (new − old) is added to the month rows of its ancestors in the
same transaction, so the month rows always equal the sum of the day rows below them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from core import clock
from grids.models import Area, AreaLevel, ancestor_paths
from orders.models import DailyCount, FillState, HandlerFact, MonthlyCount, Order, OrderEvent
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


# The levels that get month rows (the dashboards' areas and their children).
MONTHLY_LEVELS = (AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID)

MonthKey = tuple[date, int, int]  # (first day of the month, ancestor area, category)


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_measures(day: date, counts: dict) -> Counter:
    """A day cell's measures as they add into its month: the same, plus the orders
    received on that weekday (``received_wd0`` is Monday)."""
    out = Counter(counts)
    if counts.get("received"):
        out[f"received_wd{day.weekday()}"] += counts["received"]
    return out


def ancestors(area_ids: set[int]) -> dict[int, list[int]]:
    """For each area, itself and its ancestors at ``MONTHLY_LEVELS`` (two queries)."""
    paths = dict(Area.objects.filter(pk__in=area_ids).values_list("pk", "path"))
    wanted = {p for path in paths.values() for p in ancestor_paths(path)}
    by_path = dict(
        Area.objects.filter(path__in=wanted, level__in=MONTHLY_LEVELS).values_list("path", "pk")
    )
    return {
        pk: [by_path[p] for p in ancestor_paths(path) if p in by_path] for pk, path in paths.items()
    }


def month_deltas(changes: list[tuple[date, int, int, dict, int]]) -> dict[MonthKey, Counter]:
    """``changes`` are day cells ``(day, area, category, counts, sign)``; returns what
    each ancestor month row must add."""
    lineage = ancestors({area for _d, area, _c, _counts, _s in changes})
    out: dict[MonthKey, Counter] = defaultdict(Counter)
    for day, area, category, counts, sign in changes:
        measures = month_measures(day, counts)
        for ancestor in lineage.get(area, []):
            bucket = out[(month_of(day), ancestor, category)]
            for measure, value in measures.items():
                bucket[measure] += sign * value
    return out


def apply_month_deltas(deltas: dict[MonthKey, Counter]) -> None:
    """Add ``deltas`` to the month rows (creating, updating or deleting rows)."""
    deltas = {k: v for k, v in deltas.items() if any(v.values())}
    if not deltas:
        return
    existing = {
        (r.month, r.area_id, r.category_id): r
        for r in MonthlyCount.objects.filter(
            area_id__in={a for _m, a, _c in deltas},
            month__in={m for m, _a, _c in deltas},
            category_id__in={c for _m, _a, c in deltas},
        )
    }
    changed, created, doomed = [], [], []
    for key, delta in deltas.items():
        row = existing.get(key)
        counts = Counter(row.counts if row else {})
        for measure, value in delta.items():
            counts[measure] += value
        counts = {m: v for m, v in counts.items() if v}
        if row is None:
            if counts:
                created.append(
                    MonthlyCount(month=key[0], area_id=key[1], category_id=key[2], counts=counts)
                )
        elif counts:
            row.counts = counts
            changed.append(row)
        else:
            doomed.append(row.pk)
    MonthlyCount.objects.bulk_create(created, batch_size=2000)
    MonthlyCount.objects.bulk_update(changed, ["counts"], batch_size=2000)
    if doomed:
        MonthlyCount.objects.filter(pk__in=doomed).delete()


def handler_facts(order_ids) -> list[HandlerFact]:
    """The ``HandlerFact`` rows of the given orders (one per order × month × handler)."""
    rows = []
    for pk, counts in facts.order_handler_contributions(order_ids).items():
        per: dict[tuple[date, tuple], Counter] = defaultdict(Counter)
        for (day, handler, measure), value in counts.items():
            per[(month_of(day), handler)][measure] += value
        rows += [
            HandlerFact(
                order_id=pk,
                month=month,
                handler_user_id=user,
                handler_unit_id=unit,
                counts=dict(+measures),
            )
            for (month, (user, unit)), measures in per.items()
            if +measures
        ]
    return rows


def rewrite_handler_facts(order_ids: set[int]) -> None:
    rows = handler_facts(order_ids)
    HandlerFact.objects.filter(order_id__in=order_ids).delete()
    HandlerFact.objects.bulk_create(rows, batch_size=2000)


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
    changes: list[tuple[date, int, int, dict, int]] = [
        (day, area_id, category_id, totals[(day, area_id, category_id)], 1)
        for day, area_id, category_id in cells
    ]
    with transaction.atomic():
        for day, (areas, categories) in per_day.items():
            doomed = {(a, c) for d, a, c in cells if d == day}
            existing = [
                (pk, a, c, counts)
                for pk, a, c, counts in DailyCount.objects.filter(
                    day=day, area_id__in=areas, category_id__in=categories
                ).values_list("pk", "area_id", "category_id", "counts")
                if (a, c) in doomed
            ]
            changes.extend((day, a, c, counts, -1) for _pk, a, c, counts in existing)
            DailyCount.objects.filter(pk__in=[pk for pk, *_rest in existing]).delete()
        apply_month_deltas(month_deltas(changes))
        rewrite_handler_facts(set(order_ids))
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
    months = month_deltas([(d, a, c, counts, 1) for (d, a, c), counts in totals.items()])
    DailyCount.objects.all().delete()
    DailyCount.objects.bulk_create(
        (
            DailyCount(day=day, area_id=a, area_path=paths[a], category_id=c, counts=dict(counts))
            for (day, a, c), counts in totals.items()
        ),
        batch_size=2000,
    )
    HandlerFact.objects.all().delete()
    for start in range(0, len(ids), chunk):
        HandlerFact.objects.bulk_create(handler_facts(ids[start : start + chunk]), batch_size=2000)
    MonthlyCount.objects.all().delete()
    MonthlyCount.objects.bulk_create(
        (
            MonthlyCount(month=m, area_id=a, category_id=c, counts=dict(+counts))
            for (m, a, c), counts in months.items()
            if +counts
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
