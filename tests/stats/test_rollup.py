"""The rollup gives the same figures as raw orders, stays right when late events arrive,
and is idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from core import clock
from orders import stats
from orders.calendar import SHANGHAI
from orders.models import DailyCount, FillState
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
    series = stats.trend([month.world.community.path], APRIL)
    assert [key for key, _f in series][-2:] == ["2026-03", "2026-04"]
    assert len(series) == 12
    assert series[-2][1].received == 5 and series[-1][1].closed == 1
