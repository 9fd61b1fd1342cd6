"""Every figure against hand-computed values on the fixed month of conftest.py."""

from __future__ import annotations

from datetime import date

import pytest

from orders import stats
from orders.models import CancelReason
from orders.stats import Period
from orders.stats.figures import DEFINITIONS, Figures

MARCH = Period.month(2026, 3)
APRIL = Period.month(2026, 4)


def fig(month, area, period, source="raw") -> Figures:
    return stats.figures_for([area.path], period, source=source)


def test_the_three_rates_of_march(month):
    f = fig(month, month.world.community, MARCH)
    # Dispatched first in March: A, B, C; B missed its sign-for limit.
    assert (f.n("dispatched"), f.n("responded"), f.n("sign_missed")) == (3, 2, 1)
    assert f.response_rate == 66.7
    # Judgements in March: A 已解决/满意, B 未解决/不满意, C (callback) 已解决/基本满意.
    assert (f.n("judged"), f.n("solved"), f.n("rated")) == (3, 2, 3)
    assert f.resolution_rate == 66.7
    assert f.satisfaction_rate == 60.0  # (1 + 0.8 × 1) / 3
    assert f.score == 64.0  # 0.3 × 66.7 + 0.3 × 66.7 + 0.4 × 60


def test_volumes_and_outcomes_of_march(month):
    f = fig(month, month.world.community, MARCH)
    assert f.received == 5  # A, B, C, F and D (placed 31 March 23:30)
    assert f.n("received_cancelled") == 1  # D, cancelled in April
    assert f.received_closed == 3  # A, C, and B (closed in April)
    assert f.closing_rate == 75.0  # 3 / (5 − 1)
    assert f.repeated == 1  # F: A's phone within 30 days
    assert (f.overdue_count, f.overdue_rate) == (1, 33.3)
    assert f.return_rate == 0.0
    assert (f.n("resolutions"), f.on_time_rate) == (3, 100.0)
    assert f.closed == 2 and f.redo_rate == 0.0
    assert [(t, n) for t, _label, n, _p in f.tier_shares] == [(1, 2), (2, 0), (3, 0), (4, 0)]
    assert f.low_tier_share == 100.0
    assert f.cancelled == 0
    dispatch = f.duration("dispatch")
    assert (dispatch.count, dispatch.average_seconds, dispatch.median_minutes_at_most) == (
        3,
        600,
        15,
    )
    resolve = f.duration("resolve")  # A 3 h, C 2 h, B's first result some day later
    assert resolve.count == 3
    response = f.duration("response")  # the dispatch is the first response
    assert response.average_seconds == 600


def test_april_holds_the_late_rating_the_redo_and_the_cancellation(month):
    f = fig(month, month.world.community, APRIL)
    assert f.received == 0 and f.closing_rate is None
    assert f.n("dispatched") == 0 and f.response_rate is None  # B's redo is no first dispatch
    assert (f.resolution_rate, f.satisfaction_rate) == (100.0, 80.0)  # B 已解决/基本满意
    assert (f.closed, f.redo_rate) == (1, 100.0)
    assert [(t, n) for t, _l, n, _p in f.tier_shares] == [(1, 0), (2, 0), (3, 1), (4, 0)]
    assert f.cancelled == 1
    assert dict((c, n) for c, _l, n in f.cancellations)[CancelReason.RESIDENT] == 1
    assert f.n("resolutions") == 1  # B's second result


def test_the_period_boundary_is_shanghai_midnight(month):
    last_day = stats.figures_for(
        [month.world.community.path],
        stats.Period(date(2026, 3, 31), date(2026, 4, 1)),
        source="raw",
    )
    assert last_day.received == 1  # D, 23:30 on 31 March
    assert last_day.cancelled == 0  # cancelled 00:30 on 1 April
    assert last_day.satisfaction_rate is None  # nothing rated that day
    assert last_day.score is None


def test_no_orders_gives_empty_figures(month):
    f = fig(month, month.world.community, Period.month(2026, 1))
    assert f.received == 0
    assert (f.response_rate, f.resolution_rate, f.satisfaction_rate, f.score) == (None,) * 4
    assert f.duration("sign").average_hours is None


def test_the_street_adds_the_other_community(month):
    f = fig(month, month.world.street, MARCH)
    assert (f.received, f.n("dispatched"), f.n("responded")) == (6, 4, 3)
    assert f.response_rate == 75.0
    assert (f.resolution_rate, f.n("rated")) == (75.0, 4)
    other = fig(month, month.world.other_community, MARCH)
    assert (other.received, other.satisfaction_rate) == (1, 100.0)


def test_weights_are_settings(month, settings):
    settings.SIDAN_SATISFACTION_BASIC_WEIGHT = 1.0
    settings.SIDAN_SCORE_WEIGHTS = {"response": 0, "resolution": 0, "satisfaction": 1}
    f = fig(month, month.world.community, MARCH)
    assert f.satisfaction_rate == 66.7
    assert f.score == 66.7


@pytest.mark.parametrize("key", sorted(DEFINITIONS))
def test_every_figure_has_a_definition(key):
    label, text = DEFINITIONS[key]
    assert str(label) and len(str(text)) > 10


def test_the_migration_derives_the_solved_answer_of_old_ratings(month):
    import importlib

    from django.apps import apps

    from orders.lifecycle import Action
    from orders.models import Order, OrderEvent

    migration = importlib.import_module("orders.migrations.0011_rating_solved")
    before = raw_march = fig(month, month.world.community, MARCH)
    Order.objects.update(solved=None)
    for event in OrderEvent.objects.filter(action__in=[Action.RATE, Action.CALLBACK]):
        event.data = {k: v for k, v in event.data.items() if k not in ("solved", "rated_order")}
        event.save(update_fields=["data"])
    migration.backfill_solved(apps, None)
    solved = dict(Order.objects.exclude(rating="").values_list("reference", "solved"))
    assert solved == {o.reference: True for o in (month.a, month.b, month.c, month.e)}
    after = fig(month, month.world.community, MARCH)
    # 满意/基本满意 → 已解决, 不满意 → 未解决: the same answers the fixed month gave.
    assert (after.judged, after.solved, after.rated) == (before.judged, before.solved, 3)
    assert raw_march.resolution_rate == after.resolution_rate
