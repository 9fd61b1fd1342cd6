"""Handlers' own figures and the ranking of property managers and member units, against
the fixed month of tests/stats/conftest.py computed by hand:

* the property manager (pm) was dispatched A, B and C on 9 March: signed A and C in time,
  missed B's sign-for limit (escalated to the grid leader — an overdue that stays pm's);
  reported A's and C's results in time; A rated 已解决/满意, C's callback 已解决/基本满意.
* the grid leader got B by escalation, signed and reported it; B was rated 未解决/不满意.
* the member unit got B on 13 March and signed it; reported it on 1 April (no overdue);
  rated 已解决/基本满意 on 2 April.
* other_pm: E, signed, reported, 已解决/满意.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from django.urls import reverse

from core import clock
from orders.calendar import SHANGHAI
from orders.models import HandlerFact
from orders.stats import Period, rollup
from orders.stats import handlers as h
from tests.stats.test_dashboards import NOW, month, sheet  # noqa: F401  (fixture)

MARCH = Period.month(2026, 3)
APRIL = Period.month(2026, 4)


def figures_of(handler, period):
    return h.figures([handler], period)[handler.key]


def me(user):
    return h.Handler(user.pk, None, user.username)


def test_each_handler_is_assessed_on_what_it_held(month):  # noqa: F811
    w = month.world
    pm = figures_of(me(w.property_manager), MARCH)
    assert (pm.n("dispatched"), pm.n("responded"), pm.n("sign_missed"), pm.n("overdue")) == (
        3,
        2,
        1,
        1,
    )
    assert (pm.response_rate, pm.on_time_rate, pm.resolution_rate) == (66.7, 100.0, 100.0)
    assert pm.satisfaction_rate == 90.0  # (满意 + 0.8 × 基本满意) / 2
    grid = figures_of(me(w.grid_leader), MARCH)
    assert (grid.n("dispatched"), grid.response_rate, grid.n("resolutions")) == (1, 100.0, 1)
    assert (grid.resolution_rate, grid.satisfaction_rate) == (0.0, 0.0)
    unit = h.Handler(None, w.unit.pk, w.unit.name)
    march, april = figures_of(unit, MARCH), figures_of(unit, APRIL)
    assert (march.n("dispatched"), march.response_rate, march.n("resolutions")) == (1, 100.0, 0)
    assert (april.n("dispatched"), april.on_time_rate, april.resolution_rate) == (0, 100.0, 100.0)
    assert april.satisfaction_rate == 80.0
    other = figures_of(me(w.other_property_manager), MARCH)
    assert (other.n("dispatched"), other.score) == (1, 100.0)
    assert figures_of(me(w.dispatcher), MARCH).n("dispatched") == 0


def facts():
    return Counter(
        (f.order_id, f.month, f.handler_user_id, f.handler_unit_id, tuple(sorted(f.counts.items())))
        for f in HandlerFact.objects.all()
    )


def test_incremental_fills_equal_a_full_rebuild(db):
    from tests.orders.conftest import build_world
    from tests.stats.conftest import build_month

    build_month(build_world(), fill=rollup.fill)  # filled at the end of March and in April
    incremental = facts()
    assert incremental
    with clock.travel_to(datetime(2026, 4, 2, 11, 0, tzinfo=SHANGHAI)):
        rollup.fill(full=True)
    assert facts() == incremental


def test_my_figures_page(month, client, django_assert_max_num_queries):  # noqa: F811
    w = month.world
    client.force_login(w.property_manager)
    with clock.travel_to(NOW), django_assert_max_num_queries(8):
        page = client.get(reverse("orders:stats_mine"), {"month": "2026-03"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="mine-me"' in html and "66.7" in html
    # A unit liaison sees their unit's figures too.
    client.force_login(w.unit_liaison)
    with clock.travel_to(NOW):
        html = client.get(reverse("orders:stats_mine"), {"month": "2026-04"}).content.decode()
    assert f'id="mine-unit-{w.unit.pk}"' in html and w.unit.name in html
    with clock.travel_to(NOW):
        rows = sheet(
            client.get(reverse("orders:stats_mine"), {"month": "2026-03", "format": "xlsx"})
        )
    assert rows[0][:2] == ["月份", "接单量"] and rows[-1][0] == "2026-03" and len(rows) == 13
    # Not a handler: no such page.
    client.force_login(w.dispatcher)
    assert client.get(reverse("orders:stats_mine")).status_code == 404
    # Bad month: a clear message, this month shown.
    client.force_login(w.property_manager)
    with clock.travel_to(NOW):
        bad = client.get(reverse("orders:stats_mine"), {"month": "2026-13"}, follow=True)
    assert bad.status_code == 200 and "日期格式不对" in bad.content.decode()


@pytest.fixture
def one_order_minimum(settings):
    settings.SIDAN_RANKING_MIN_ORDERS = 1


def test_ranking_lists_property_managers_and_member_units(
    month,  # noqa: F811
    client,
    one_order_minimum,
    django_assert_max_num_queries,
):
    w = month.world
    client.force_login(w.street_official)
    with clock.travel_to(NOW), django_assert_max_num_queries(13):
        page = client.get(reverse("orders:stats_ranking"), {"month": "2026-03"})
    html = page.content.decode()
    assert 'id="rank-property"' in html and 'id="rank-units"' in html
    with clock.travel_to(NOW):
        rows = sheet(
            client.get(
                reverse("orders:stats_ranking"),
                {"month": "2026-03", "kind": "property", "format": "xlsx"},
            )
        )
    assert rows[0][1:4] == ["承办方", "综合得分", "接单量"]
    # other_pm (100 in every rate) ranks above pm.
    assert [r[0] for r in rows[1:]] == [1, 2]
    assert rows[1][3] == 1 and rows[2][3] == 3
    with clock.travel_to(NOW):
        units = sheet(
            client.get(
                reverse("orders:stats_ranking"),
                {"month": "2026-03", "kind": "unit", "format": "xlsx"},
            )
        )
    assert units[1][1] == w.unit.name and units[1][3] == 1
