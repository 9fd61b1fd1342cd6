"""Dashboard figures (issue 9): definitions in ``figures``, per-order contributions in
``facts``, the rollup in ``rollup``; this module reads them for an area and a period.

Reads go to the rollup unless ``source="raw"`` — the raw path is the reference the rollup
is tested against. Whole months of a street, community or grid are read from the month rows
(``MonthlyCount``: a few hundred rows for a street's year at any number of orders); the
days of a period outside whole months, and areas below grid level, from the day rows
(``DailyCount``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from grids.models import Area, paths_q
from orders.models import DailyCount, MonthlyCount, Order, OrderEvent
from orders.stats import facts
from orders.stats.figures import DEFINITIONS, Figures

__all__ = [
    "DEFINITIONS",
    "Figures",
    "Period",
    "area_cells",
    "by_child",
    "cells",
    "figures_for",
    "trend",
]


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
    """The day rows (or the raw computation) for ``area_paths`` over ``period``."""
    if source == "raw":
        return raw_cells(area_paths, period)
    rows = (
        DailyCount.objects.filter(paths_q(area_paths, "area_path"))
        .filter(day__gte=period.start, day__lt=period.end)
        .values_list("day", "area_path", "category_id", "counts")
    )
    return [(d, p, c, Counter(counts)) for d, p, c, counts in rows]


def split(period: Period) -> tuple[Period | None, list[Period]]:
    """The whole months inside ``period`` (or None) and the day ranges left around them."""
    first = (
        period.start
        if period.start.day == 1
        else Period.month(period.start.year, period.start.month).end
    )
    last = period.end.replace(day=1)
    if first >= last:
        return None, [period]
    days = [p for p in (Period(period.start, first), Period(last, period.end)) if p.start < p.end]
    return Period(first, last), days


def _monthly(area: Area) -> bool:
    from orders.stats.rollup import MONTHLY_LEVELS

    return area.level in MONTHLY_LEVELS


def month_cells(areas: list[Area], months: Period) -> Cells:
    """The month rows of ``areas`` over whole ``months``, each tagged with its area's path
    (one indexed query)."""
    paths = {a.pk: a.path for a in areas}
    rows = MonthlyCount.objects.filter(
        area_id__in=paths, month__gte=months.start, month__lt=months.end
    ).values_list("month", "area_id", "category_id", "counts")
    return [(m, paths[a], c, Counter(counts)) for m, a, c, counts in rows]


def area_cells(area: Area, period: Period, children: list[Area] = ()) -> tuple[Cells, Cells]:
    """``(own, split_rows)`` for ``area`` over ``period``: ``own`` sums to the area's
    figures (``total``, ``by_category``, ``by_weekday``), ``split_rows`` splits among
    ``children`` (``by_child``). Month rows where they exist, day rows for the rest; at
    most three queries."""
    months, day_parts = split(period)
    children_monthly = all(_monthly(c) for c in children)
    if months is None or not _monthly(area) or not children_monthly:
        # A grid's children (compounds, micro-grids) have day rows only; a grid's month
        # is small enough to sum from them.
        rows = cells([area.path], period)
        return rows, rows
    daily = [row for part in day_parts for row in cells([area.path], part)]
    both = month_cells([area, *children], months)
    own = [r for r in both if r[1] == area.path]
    kids = [r for r in both if r[1] != area.path]
    return own + daily, (kids + daily if children else own + daily)


def total(rows: Cells) -> Figures:
    out: Counter = Counter()
    for _d, _p, _c, counts in rows:
        out.update(counts)
    return Figures(out)


def figures_for(area_paths: list[str], period: Period, *, source: str = "rollup") -> Figures:
    """The figures of ``area_paths`` over ``period`` (month rows where they serve)."""
    if source == "raw" or not area_paths or split(period)[0] is None:
        return total(cells(area_paths, period, source=source))
    areas = list(Area.objects.filter(path__in=area_paths))
    if len(areas) != len(set(area_paths)) or not all(_monthly(a) for a in areas):
        return total(cells(area_paths, period))
    return total([row for area in areas for row in area_cells(area, period)[0]])


def figures_of(area: Area, period: Period) -> Figures:
    """The figures of one area over ``period``."""
    return total(area_cells(area, period)[0])


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
        weekdays = [counts.get(f"received_wd{n}", 0) for n in range(7)]
        if any(weekdays):  # a month row carries its weekdays
            out = [a + b for a, b in zip(out, weekdays, strict=True)]
        else:
            out[day.weekday()] += counts.get("received", 0)
    return out


def trend(area: Area, last: Period, months: int = 12) -> list[tuple[str, Figures]]:
    """The figures of each of the ``months`` months ending with ``last``'s month (one
    query on the rollup)."""
    first = last.start.replace(day=1)
    for _month in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    end = Period.month(last.start.year, last.start.month).end
    rows = area_cells(area, Period(first, end))[0]
    buckets: dict[str, Counter] = defaultdict(Counter)
    for day, _p, _c, counts in rows:
        buckets[f"{day:%Y-%m}"].update(counts)
    out, cursor = [], first
    while cursor < end:
        key = f"{cursor:%Y-%m}"
        out.append((key, Figures(buckets[key])))
        cursor = Period.month(cursor.year, cursor.month).end
    return out


def ranked(items: list, *, now: list[Figures], before: list[Figures], volume, label) -> list[dict]:
    """The 红黑榜 rule for any kind of unit (areas, handlers): by composite score, the
    month before's rank for the movement; a unit whose ``volume`` is below
    ``SIDAN_RANKING_MIN_ORDERS`` is listed but not ranked. Rows: item, figures, rank,
    was, move (places gained)."""
    from django.conf import settings

    minimum = settings.SIDAN_RANKING_MIN_ORDERS

    def ranks(table: list[Figures]) -> dict[int, int]:
        eligible = [i for i, f in enumerate(table) if volume(f) >= minimum and f.score is not None]
        eligible.sort(key=lambda i: (-table[i].score, label(items[i])))
        return {i: place + 1 for place, i in enumerate(eligible)}

    rank_now, rank_before = ranks(now), ranks(before)
    rows = []
    for i, item in enumerate(items):
        rank, was = rank_now.get(i), rank_before.get(i)
        rows.append(
            {
                "item": item,
                "figures": now[i],
                "rank": rank,
                "was": was,
                "move": (was - rank) if rank and was else None,
            }
        )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, label(r["item"])))
    return rows
