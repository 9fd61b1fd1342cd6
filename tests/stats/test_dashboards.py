"""The dashboard pages: scope, drill-down, orders behind a figure, Excel, ranking, screen."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import clock
from orders.calendar import SHANGHAI
from orders.stats import rollup
from tests.orders.conftest import build_world
from tests.stats.conftest import build_month

NOW = datetime(2026, 4, 2, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def month(db):
    m = build_month(build_world())
    with clock.travel_to(NOW):
        rollup.fill()
    return m


def get(client, user, name, **params):
    client.force_login(user)
    with clock.travel_to(NOW):
        return client.get(reverse(f"orders:{name}"), params)


def sheet(response):
    book = load_workbook(
        BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_street_overview_shows_communities_with_their_figures(
    month, client, django_assert_max_num_queries
):
    w = month.world
    client.force_login(w.street_official)
    with clock.travel_to(NOW), django_assert_max_num_queries(14):
        response = client.get(reverse("orders:stats"), {"month": "2026-03"})
    page = response.content.decode()
    assert response.status_code == 200
    assert w.community.name in page and w.other_community.name in page
    assert 'data-figure="response_rate"' in page and "75.0%" in page  # street: 3 / 4
    assert "按时签收的工单" in page  # the definition on hover


def test_community_staff_see_only_their_community(month, client):
    w = month.world
    assert get(client, w.dispatcher, "stats", month="2026-03").context["area"] == w.community
    for name in ("stats", "stats_orders", "stats_screen"):
        response = get(client, w.dispatcher, name, area=w.other_community.code, month="2026-03")
        assert response.status_code == 404
        response = get(client, w.dispatcher, name, area=w.street.code, month="2026-03")
        assert response.status_code == 404
    assert get(client, w.dispatcher, "stats_ranking").status_code == 404
    assert get(client, w.property_manager, "stats").status_code == 404


def test_drill_down_to_the_orders_behind_a_figure(month, client, django_assert_max_num_queries):
    w = month.world
    client.force_login(w.street_official)
    with clock.travel_to(NOW), django_assert_max_num_queries(12):
        grid_page = client.get(reverse("orders:stats"), {"area": w.grid.code, "month": "2026-03"})
    assert grid_page.status_code == 200 and w.compound.name in grid_page.content.decode()
    with clock.travel_to(NOW), django_assert_max_num_queries(10):
        response = client.get(
            reverse("orders:stats_orders"),
            {"area": w.community.code, "month": "2026-03", "figure": "sign_missed"},
        )
    page = response.content.decode()
    assert month.b.reference in page and month.a.reference not in page
    rows = sheet(
        get(
            client,
            w.street_official,
            "stats_orders",
            area=w.street.code,
            month="2026-03",
            figure="received",
            format="xlsx",
        )
    )
    assert rows[0][0] == "编号"
    refs = {r[0] for r in rows[1:]}
    assert refs == {o.reference for o in (month.a, month.b, month.c, month.d, month.f, month.e)}


def test_the_orders_behind_each_figure_match_its_count(month):
    from orders import stats
    from orders.selectors.stats import figure_orders
    from orders.stats import Period

    w = month.world
    period = Period.month(2026, 3)
    f = stats.figures_for([w.community.path], period)
    pairs = {
        "received": f.received,
        "closed": f.received_closed,
        "repeated": f.repeated,
        "dispatched": f.n("dispatched"),
        "sign_missed": f.n("sign_missed"),
        "overdue": f.overdue_count,
        "returned": f.n("returned"),
        "dissatisfied": f.dissatisfied,
        "unsolved": f.judged - f.solved,
    }
    for figure, count in pairs.items():
        assert figure_orders(area=w.community, period=period, figure=figure).count() == count, (
            figure
        )


def test_table_export_has_chinese_headers_and_the_period_in_its_name(month, client):
    w = month.world
    response = get(client, w.street_official, "stats", month="2026-03", format="xlsx")
    assert "2026-03" in response["Content-Disposition"]
    rows = sheet(response)
    assert rows[0][:3] == ["区域", "受理量", "办结率(%)"]
    assert [r[0] for r in rows[1:]] == [w.community.name, w.other_community.name]
    assert rows[1][1] == 5 and rows[2][1] == 1
    # Community staff export their community's grids only.
    rows = sheet(get(client, w.dispatcher, "stats", month="2026-03", format="xlsx"))
    assert [r[0] for r in rows[1:]] == [w.grid.name]


def test_ranking_lists_units_below_the_minimum_unranked(
    month, client, settings, django_assert_max_num_queries
):
    w = month.world
    settings.SIDAN_RANKING_MIN_ORDERS = 2
    client.force_login(w.street_official)
    with clock.travel_to(NOW), django_assert_max_num_queries(13):
        response = client.get(reverse("orders:stats_ranking"), {"month": "2026-03"})
    rows = response.context["communities"]
    assert [(r["area"], r["rank"]) for r in rows] == [(w.community, 1), (w.other_community, None)]
    assert "未排名" in response.content.decode()
    rows = sheet(get(client, w.street_official, "stats_ranking", month="2026-03", format="xlsx"))
    assert rows[0][0] == "名次" and rows[1][1] == w.community.name


def test_large_screen_polls_and_the_poll_answers_the_partial(
    month, client, django_assert_max_num_queries
):
    w = month.world
    page = get(client, w.street_official, "stats_screen").content.decode()
    assert 'hx-trigger="every 60s"' in page and "screen-figures" in page
    client.force_login(w.street_official)
    with clock.travel_to(NOW), django_assert_max_num_queries(10):
        partial = client.get(reverse("orders:stats_screen"), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "screen-figures" in partial.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"month": "abc"},
        {"start": "2026-05-01", "end": "2026-04-01"},
        {"start": "x", "end": "y"},
        {"area": "NOPE"},
        {"figure": "evil", "page": "999"},
    ],
)
def test_bad_input_is_a_message_or_404_never_500(month, client, params):
    w = month.world
    for name in ("stats", "stats_orders", "stats_ranking", "stats_screen"):
        response = get(client, w.street_official, name, **params)
        assert response.status_code in (200, 404)


def test_the_orders_behind_a_figure_take_the_boards_filters(
    month, client, django_assert_max_num_queries
):
    from orders.models import Category

    w = month.world
    client.force_login(w.street_official)
    facility = Category.objects.get(code="facility")
    params = {"area": w.street.code, "month": "2026-03", "figure": "received"}
    with clock.travel_to(NOW), django_assert_max_num_queries(12):
        page = client.get(reverse("orders:stats_orders"), params | {"category": facility.pk})
    html = page.content.decode()
    facility_orders = {month.a.reference, month.f.reference, month.e.reference}
    assert all(r in html for r in facility_orders)
    assert month.b.reference not in html and month.c.reference not in html
    # The export carries the filter; a grid filter narrows to the grid; bad values are ignored.
    assert f"category={facility.pk}" in html.split('id="export-orders" href="')[1].split('"')[0]
    rows = sheet(
        get(
            client, w.street_official, "stats_orders", **params, category=facility.pk, format="xlsx"
        )
    )
    assert {r[0] for r in rows[1:]} == facility_orders
    with clock.travel_to(NOW):
        gridded = client.get(reverse("orders:stats_orders"), params | {"grid": w.grid.code})
        overdue = client.get(reverse("orders:stats_orders"), params | {"overdue": "on"})
        bad = client.get(reverse("orders:stats_orders"), params | {"tier": "x", "category": "y"})
    assert month.e.reference not in gridded.content.decode()  # E is in the other community
    # 只看超期: late now (the closed A and C are not, whatever happened before).
    assert month.a.reference not in overdue.content.decode()
    assert month.c.reference not in overdue.content.decode()
    assert bad.status_code == 200 and month.a.reference in bad.content.decode()
