"""A dispatcher's morning in the browser: the board puts the overdue 特急 order first,
several orders go to one handler in one bulk dispatch, the handler signs and resolves on
a 390×844 phone with a photo, and the resident reads the expected time and the result."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from orders.models import Order
from tests.orders.conftest import build_world
from tests.orders.public_helpers import png

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(context, username: str):
    page = context.new_page()
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_selector(".topbar .who")
    return page


def first_row_reference(page) -> str:
    return (
        page.locator("#board-rows tbody tr")
        .first.locator("td")
        .first.locator("a")
        .first.inner_text()
    )


def test_bulk_dispatch_from_the_board(new_desktop, screenshot):
    world = build_world()
    orders = [
        world.place(resident_phone=f"1390000000{i}", area=area)
        for i, area in enumerate((world.microgrid, world.compound))
    ]
    page = sign_in(new_desktop(), world.dispatcher.username)
    page.goto("/staff/board/")
    for order in orders:
        page.check(f"input[name=orders][value='{order.pk}']")
    page.click("#bulk-pick button[type=submit]")
    page.wait_for_selector("#bulk-dispatch-confirm")
    option = page.locator("select[name=handler] option", has_text="物业（桂花苑）")
    page.select_option("select[name=handler]", value=option.get_attribute("value"))
    screenshot(page, "bulk-dispatch")
    page.click("#bulk-dispatch-confirm button[type=submit]")
    page.wait_for_selector("text=已批量派出 2 张工单")
    for order in orders:
        order.refresh_from_db()
        assert order.status == "awaiting_sign" and order.handler_user == world.property_manager


def test_a_dispatchers_morning(new_desktop, phone, browser, live_server, screenshot, tmp_path):
    world = build_world()
    # Overnight: two ordinary requests, then a 特急 one nobody dispatched in its 30 minutes
    ordinary = world.place(resident_phone="13900001111", description="楼道灯不亮")
    other = world.place(resident_phone="13900002222", area=world.compound, description="垃圾没清")
    emergency = world.place(
        resident_phone="13900003333", urgency="emergency", description="楼道里有煤气味"
    )
    Order.objects.filter(pk=emergency.pk).update(
        dispatch_due_at=clock.now() - timedelta(minutes=40)
    )

    # The dispatcher logs in: the overdue 特急 order heads the board
    board = sign_in(new_desktop(), world.dispatcher.username)
    board.goto("/staff/board/")
    assert first_row_reference(board) == emergency.reference
    first_row = board.locator("#board-rows tbody tr").first
    assert "已超期" in first_row.inner_text() and "特急" in first_row.inner_text()
    screenshot(board, "morning-board")

    # Bulk dispatch: the 特急 order and the one in the same building to the property manager
    board.check(f"input[name=orders][value='{emergency.pk}']")
    board.check(f"input[name=orders][value='{ordinary.pk}']")
    board.click("#bulk-pick button[type=submit]")
    board.wait_for_selector("#bulk-dispatch-confirm")
    option = board.locator("select[name=handler] option", has_text="物业（桂花苑）")
    board.select_option("select[name=handler]", value=option.get_attribute("value"))
    board.fill("#bulk-dispatch-confirm textarea[name=note]", "先查煤气味")
    board.click("#bulk-dispatch-confirm button[type=submit]")
    board.wait_for_selector("text=已批量派出 2 张工单")
    other.refresh_from_db()
    assert other.status == "awaiting_dispatch"

    # The property manager, on a phone, signs for the 特急 order and resolves it with a photo
    handler = sign_in(phone, world.property_manager.username)
    handler.goto("/staff/inbox/")
    handler.wait_for_selector(f"text={emergency.reference}")
    handler.goto(f"/staff/orders/{emergency.pk}/")
    handler.click("form[data-action=sign] button[type=submit]")
    handler.wait_for_selector("details[data-action=resolve]")
    assert handler.evaluate("document.documentElement.scrollWidth") <= 390

    # Meanwhile the resident sees who handles it and by when
    resident = browser.new_context(locale="zh-CN", base_url=live_server.url).new_page()
    resident.goto(f"/t/{emergency.tracking_token}/")
    expected = resident.locator("p.expected").inner_text()
    assert "预计" in expected and "前办结" in expected and "物业" in expected

    handler.click("details[data-action=resolve] > summary")
    picture = tmp_path / "fixed.png"
    picture.write_bytes(png().read())
    handler.fill("details[data-action=resolve] textarea[name=result_note]", "已关闭阀门并更换软管")
    handler.locator("details[data-action=resolve] input[type=file]").set_input_files(str(picture))
    handler.click("details[data-action=resolve] button[type=submit]")
    handler.wait_for_selector(".detail-head .badge:has-text('待评价')")
    screenshot(handler, "morning-phone-resolved")

    # The resident reads the result
    resident.goto(f"/t/{emergency.tracking_token}/")
    assert "已关闭阀门并更换软管" in resident.locator("p.result").first.inner_text()
    screenshot(resident, "morning-resident-result")
    emergency.refresh_from_db()
    assert emergency.status == "awaiting_rating"
    assert emergency.photos.filter(kind="result").count() == 1
    resident.context.close()


def test_the_board_counts_follow_a_new_order_without_a_reload(new_desktop, settings):
    settings.SIDAN_BOARD_POLL_SECONDS = 1
    world = build_world()
    world.place()
    page = sign_in(new_desktop(), world.dispatcher.username)
    page.goto("/staff/board/")
    assert page.locator("#queue-counts [data-count=new]").inner_text() == "1"
    page.evaluate("window.__not_reloaded = true")
    world.place(resident_phone="13900005555", urgency="urgent")
    # The poll swaps the tabs in place (CSP forbids wait_for_function's eval): wait for it
    page.locator("#queue-counts [data-count=new]", has_text="2").wait_for(timeout=8_000)
    assert page.evaluate("window.__not_reloaded") is True
