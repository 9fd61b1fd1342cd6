"""The rollup gives the same figures as raw orders, stays right when late events arrive,
and is idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest

from core import clock
from orders import stats
from orders.calendar import SHANGHAI
from orders.models import DailyCount, FillState, MonthlyCount
from orders.stats import Period, rollup
from tests.orders.conftest import build_world
from tests.stats.conftest import build_month

MARCH = Period.month(2026, 3)
APRIL = Period.month(2026, 4)


def normalised(cells):
    out = Counter()
    for day, path, category, counts in cells:
        for measure, value in counts.items():
            out[(day, path, category, measure)] += value
    return +out


def rows():
    return sorted(
        (r.day, r.area_id, r.category_id, tuple(sorted(r.counts.items())))
        for r in DailyCount.objects.all()
    )


@pytest.fixture
def filled(db):
    fills = []

    def fill():
        fills.append(rollup.fill())

    month = build_month(build_world(), fill=fill)
    return month, fills


def test_rollup_equals_raw_after_late_events(filled):
    month, fills = filled
    assert len(fills) == 2 and fills[1]["orders"] >= 2  # B (late rating) and D (cancelled)
    w = month.world
    for area in (w.street, w.community, w.other_community, w.grid, w.microgrid):
        for period in (MARCH, APRIL, Period(MARCH.start, APRIL.end)):
            raw = stats.cells([area.path], period, source="raw")
            rolled = stats.cells([area.path], period)
            assert normalised(rolled) == normalised(raw), (area.code, period)
    march = stats.figures_for([w.community.path], MARCH)
    # B's late April rating changed March: B counts as closed among March's orders now.
    assert (march.received_closed, march.closing_rate, march.response_rate) == (3, 75.0, 66.7)


def test_the_fill_is_idempotent_and_a_full_rebuild_agrees(filled):
    before = rows()
    with clock.travel_to(datetime(2026, 4, 2, 11, 0, tzinfo=SHANGHAI)):
        again = rollup.fill()
    assert again["orders"] == 0  # nothing new and nothing in the relook window
    assert rows() == before
    with clock.travel_to(datetime(2026, 4, 2, 11, 0, tzinfo=SHANGHAI)):
        rollup.fill(full=True)
    assert rows() == before
    assert FillState.objects.get(name=rollup.STATE).last_event_id > 0


def test_a_fill_without_the_watermark_moving_rereads_recent_events(filled):
    month, _fills = filled
    before = rows()
    FillState.objects.update(last_event_id=0)
    with clock.travel_to(datetime(2026, 4, 2, 10, 5, tzinfo=SHANGHAI)):
        rollup.fill()
    assert rows() == before


def test_trend_reads_twelve_months(filled):
    month, _ = filled
    series = stats.trend(month.world.community, APRIL)
    assert [key for key, _f in series][-2:] == ["2026-03", "2026-04"]
    assert len(series) == 12
    assert series[-2][1].received == 5 and series[-1][1].closed == 1


def month_sums_of_day_rows():
    """What the month rows must hold: each day row added into its street, community and
    grid ancestors, with the weekday of what was received."""
    from grids.models import Area, ancestor_paths

    levels = dict(Area.objects.values_list("path", "pk"))
    monthly = set(Area.objects.filter(level__in=rollup.MONTHLY_LEVELS).values_list("pk", flat=True))
    out = Counter()
    for r in DailyCount.objects.all():
        for path in ancestor_paths(r.area_path):
            if levels[path] in monthly:
                for measure, value in rollup.month_measures(r.day, r.counts).items():
                    out[(r.day.replace(day=1), levels[path], r.category_id, measure)] += value
    return +out


def month_rows():
    out = Counter()
    for r in MonthlyCount.objects.all():
        for measure, value in r.counts.items():
            out[(r.month, r.area_id, r.category_id, measure)] += value
    return out


def test_month_rows_equal_the_sum_of_day_rows_after_late_events_and_a_rebuild(filled):
    assert MonthlyCount.objects.exists()
    assert month_rows() == month_sums_of_day_rows()
    assert all(v for r in MonthlyCount.objects.all() for v in r.counts.values())
    with clock.travel_to(datetime(2026, 4, 2, 11, 0, tzinfo=SHANGHAI)):
        rollup.fill(full=True)
    assert month_rows() == month_sums_of_day_rows()


def plain(figures) -> Counter:
    """A figure set's measures without the month rows' weekday counts."""
    return +Counter({k: v for k, v in figures.c.items() if not k.startswith("received_wd")})


def test_whole_months_read_from_month_rows_give_the_raw_figures(filled, django_assert_num_queries):
    month, _fills = filled
    w = month.world
    partial = Period(date(2026, 3, 10), date(2026, 4, 20))
    for area in (w.street, w.community, w.grid):
        for period in (MARCH, APRIL, Period(MARCH.start, APRIL.end), partial):
            raw = stats.figures_for([area.path], period, source="raw")
            assert plain(stats.figures_of(area, period)) == plain(raw), (area.code, period)
            own, _split = stats.area_cells(area, period)
            assert stats.by_weekday(own) == stats.by_weekday(
                stats.cells([area.path], period, source="raw")
            )
    # A whole month of a street is one query on the month rows, whatever the orders.
    with django_assert_num_queries(1):
        stats.figures_of(w.street, MARCH)
    children = [w.community, w.other_community]
    own, split_rows = stats.area_cells(w.street, MARCH, children)
    raw_split = stats.by_child(stats.cells([w.street.path], MARCH, source="raw"), children)
    assert [plain(f) for _a, f in stats.by_child(split_rows, children)] == [
        plain(f) for _a, f in raw_split
    ]
    assert plain(stats.total(own)) == plain(stats.figures_for([w.street.path], MARCH, source="raw"))
