"""Dashboard figures (issue 9): definitions in ``figures``, per-order contributions in
``facts``, the rollup in ``rollup``; this module reads them for an area and a period.

Reads go to the rollup (``DailyCount``) unless ``source="raw"`` — the raw path is the
reference the rollup is tested against and serves areas/periods too small to matter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from grids.models import Area, paths_q
from orders.models import DailyCount, Order, OrderEvent
from orders.stats import facts
from orders.stats.figures import DEFINITIONS, Figures

__all__ = ["DEFINITIONS", "Figures", "Period", "cells", "figures_for", "by_child", "trend"]


@dataclass(frozen=True)
class Period:
    """Calendar days [start, end) in Asia/Shanghai."""

    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)
        return cls(start, end)

    @classmethod
    def this_month(cls) -> Period:
        today = timezone.localdate(clock.now())
        return cls.month(today.year, today.month)

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and Period.month(self.start.year, self.start.month) == self

    def previous(self) -> Period:
        """环比: the previous month for a month, else the equally long range just before."""
        if self.is_month:
            prev = self.start - timedelta(days=1)
            return Period.month(prev.year, prev.month)
        length = self.end - self.start
        return Period(self.start - length, self.start)

    def last_year(self) -> Period:
        """同比: the same month (or range) one year earlier."""
        if self.is_month:
            return Period.month(self.start.year - 1, self.start.month)
        return Period(_year_back(self.start), _year_back(self.end))

    @property
    def label(self) -> str:
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d}_{self.end - timedelta(days=1):%Y-%m-%d}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def bounds(self):
        from orders.stats.rollup import day_bounds

        return day_bounds(self.start)[0], day_bounds(self.end)[0]


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


MAX_DAYS = 3 * 366


def parse_period(params) -> tuple[Period, str | None]:
    """The period a request asks for: ``?month=YYYY-MM``, or ``?start=…&end=…`` (inclusive
    dates), default this month. Returns the period and an error message for bad input
    (then the default period is used)."""
    month, start, end = params.get("month", ""), params.get("start", ""), params.get("end", "")
    try:
        if start or end:
            first = date.fromisoformat(start)
            last = date.fromisoformat(end)
            if last < first or (last - first).days >= MAX_DAYS:
                raise ValueError
            return Period(first, last + timedelta(days=1)), None
        if month:
            year, mon = month.split("-")
            if len(year) != 4:
                raise ValueError
            return Period.month(int(year), int(mon)), None
    except (ValueError, TypeError):
        return Period.this_month(), _(
            "日期格式不对（月份如 2026-05，日期如 2026-05-01），已显示本月。"
        )
    return Period.this_month(), None


Cells = list[tuple[date, str, int, Counter]]  # (day, area_path, category_id, measures)


def raw_cells(area_paths: list[str], period: Period) -> Cells:
    """The cells computed from raw orders and events (the reference for the rollup)."""
    start, end = period.bounds()
    scope = paths_q(area_paths, "area__path")
    ids = set(
        Order.objects.filter(scope, placed_at__gte=start, placed_at__lt=end).values_list(
            "pk", flat=True
        )
    )
    ids |= set(
        OrderEvent.objects.filter(paths_q(area_paths, "order__area__path"))
        .filter(at__gte=start, at__lt=end)
        .values_list("order_id", flat=True)
    )
    contributed = facts.order_contributions(ids)
    totals: dict[tuple[date, int, int], Counter] = defaultdict(Counter)
    for row, counts in contributed.values():
        for (day, measure), value in counts.items():
            if period.start <= day < period.end and value:
                totals[(day, row.area_id, row.category_id)][measure] += value
    paths = dict(Area.objects.filter(pk__in={a for _d, a, _c in totals}).values_list("pk", "path"))
    return [(d, paths[a], c, counts) for (d, a, c), counts in totals.items()]


def cells(area_paths: list[str], period: Period, *, source: str = "rollup") -> Cells:
    """One query on the rollup (or the raw computation) for ``area_paths`` over ``period``."""
    if source == "raw":
        return raw_cells(area_paths, period)
    rows = (
        DailyCount.objects.filter(paths_q(area_paths, "area_path"))
        .filter(day__gte=period.start, day__lt=period.end)
        .values_list("day", "area_path", "category_id", "counts")
    )
    return [(d, p, c, Counter(counts)) for d, p, c, counts in rows]


def total(rows: Cells) -> Figures:
    out: Counter = Counter()
    for _d, _p, _c, counts in rows:
        out.update(counts)
    return Figures(out)


def figures_for(area_paths: list[str], period: Period, *, source: str = "rollup") -> Figures:
    return total(cells(area_paths, period, source=source))


def by_child(rows: Cells, children: list[Area]) -> list[tuple[Area, Figures]]:
    """Split ``rows`` among ``children`` (areas one level down) by path prefix."""
    buckets: dict[int, Counter] = {child.pk: Counter() for child in children}
    ordered = sorted(children, key=lambda a: -len(a.path))
    for _d, path, _c, counts in rows:
        for child in ordered:
            if path.startswith(child.path):
                buckets[child.pk].update(counts)
                break
    return [(child, Figures(buckets[child.pk])) for child in children]


def by_category(rows: Cells) -> dict[int, Figures]:
    buckets: dict[int, Counter] = defaultdict(Counter)
    for _d, _p, category_id, counts in rows:
        buckets[category_id].update(counts)
    return {k: Figures(v) for k, v in buckets.items()}


def by_weekday(rows: Cells) -> list[int]:
    """Orders received per weekday, Monday first."""
    out = [0] * 7
    for day, _p, _c, counts in rows:
        out[day.weekday()] += counts.get("received", 0)
    return out


def trend(area_paths: list[str], last: Period, months: int = 12) -> list[tuple[str, Figures]]:
    """The figures of each of the ``months`` months ending with ``last``'s month (one
    query on the rollup)."""
    first = last.start.replace(day=1)
    for _month in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    end = Period.month(last.start.year, last.start.month).end
    rows = cells(area_paths, Period(first, end))
    buckets: dict[str, Counter] = defaultdict(Counter)
    for day, _p, _c, counts in rows:
        buckets[f"{day:%Y-%m}"].update(counts)
    out, cursor = [], first
    while cursor < end:
        key = f"{cursor:%Y-%m}"
        out.append((key, Figures(buckets[key])))
        cursor = Period.month(cursor.year, cursor.month).end
    return out
