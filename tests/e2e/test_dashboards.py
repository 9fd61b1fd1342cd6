"""Dashboards in real Chromium (issue 9): a street official opens the overview, drills
down to a community and a grid, opens the orders behind a figure and downloads them as
Excel; the large screen at 1920×1080 is screenshotted."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from orders.stats import rollup
from tests.e2e.test_four_order_loop import staff_page
from tests.orders.conftest import build_world
from tests.stats.conftest import build_month

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def month(settings):
    settings.SIDAN_2FA_REQUIRED = False  # the official signs in without a TOTP device here
    m = build_month(build_world())
    rollup.fill()
    return m


def test_drill_down_to_the_orders_behind_a_figure_and_download_them(month, new_desktop, screenshot):
    w = month.world
    page = staff_page(new_desktop, w.street_official.username)
    page.goto("/staff/stats/?month=2026-03")
    page.wait_for_selector("#headlines")
    screenshot(page, "dash-01-street-overview")
    page.click(f"#children a:has-text('{w.community.name}')")
    page.wait_for_selector(f"h1:has-text('{w.community.name}')")
    page.click(f"#children a:has-text('{w.grid.name}')")
    page.wait_for_selector(f"h1:has-text('{w.grid.name}')")
    screenshot(page, "dash-02-grid")
    page.click("[data-figure=response_rate] a")
    page.wait_for_selector("#figure-orders")
    table = page.inner_text("#figure-orders")
    assert month.b.reference in table and month.a.reference not in table
    with page.expect_download() as info:
        page.click("#export-orders")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and "2026-03" in (
        download.suggested_filename
    )
    rows = list(load_workbook(BytesIO(open(download.path(), "rb").read())).active.values)
    assert rows[0][0] == "编号" and [r[0] for r in rows[1:]] == [month.b.reference]


def test_large_screen_at_1920_by_1080(month, browser, live_server, screenshot):
    w = month.world
    context = browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="zh-CN", base_url=live_server.url
    )
    try:
        page = context.new_page()
        page.goto("/login/")
        page.fill("input[name=username]", w.street_official.username)
        page.fill("input[name=password]", "pw")
        page.click("button[type=submit]")
        page.wait_for_selector(".topbar .who")
        page.goto("/staff/stats/screen/?month=2026-03")
        page.wait_for_selector(".screen-figures")
        assert page.get_attribute("#screen", "hx-trigger") == "every 60s"
        scroll = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        assert scroll[0] <= 1920 and scroll[1] <= 1080  # no scrollbars
        assert "75.0%" in page.inner_text(".screen-figures")  # the street's 响应率
        screenshot(page, "dash-03-large-screen")
    finally:
        context.close()
