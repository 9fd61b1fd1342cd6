"""The whole four-order loop in real Chromium, as the people who use it would click it.

A resident on a phone places an order from a building's QR URL → the dispatcher sends it
to the property manager → the manager returns it → the dispatcher sends it to the grid
leader → sign for → resolve → the resident rates 不满意 → redo one tier up (a member unit)
→ sign for → resolve → the resident rates 满意 → the echo wall shows the answer.
Every screen is saved under test-artifacts/e2e/.
"""

from __future__ import annotations

import pytest

from orders.lifecycle import QueueReason, Status, Tier
from orders.models import Order, Rating
from tests.orders.conftest import build_world
from tests.orders.public_helpers import PHONE, last_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def staff_page(new_desktop, username: str):
    """A signed-in page in its own browser context (own cookies) for one staff user."""
    page = new_desktop().new_page()
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_selector(".topbar .who")
    return page


def open_order(page, order: Order) -> None:
    page.goto(f"/staff/orders/{order.pk}/")
    page.wait_for_selector(f"h1:has-text('{order.reference}')")


def expect_status(page, label: str) -> None:
    page.wait_for_selector(f".detail-head .badge:has-text('{label}')")


def dispatch(page, *, tier: int, handler_label: str) -> None:
    page.click("details[data-action=dispatch] > summary")
    page.select_option("details[data-action=dispatch] select[name=tier]", str(tier))
    # Changing the tier reloads the handler list over HTMX.
    page.wait_for_selector(
        f"#dispatch-handlers option:has-text('{handler_label}')", state="attached"
    )
    # Each option reads "name · post（place） · 在办 n 件": pick the one naming the handler.
    option = page.locator("#dispatch-handlers option", has_text=handler_label).first
    page.select_option(
        "#dispatch-handlers select[name=handler]", value=option.get_attribute("value")
    )
    page.click("details[data-action=dispatch] button[type=submit]")
    expect_status(page, "待签收")


def sign_and_resolve(page, *, result: str, shot, name: str) -> None:
    page.click("form[data-action=sign] button[type=submit]")
    expect_status(page, "办理中")
    page.click("details[data-action=resolve] > summary")
    page.fill("details[data-action=resolve] textarea[name=result_note]", result)
    shot(page, name)
    page.click("details[data-action=resolve] button[type=submit]")
    expect_status(page, "待评价")


def resident_rates(page, tracking_url: str, *, rating: str, comment: str) -> None:
    page.goto(tracking_url)
    page.check(f"#rate input[name=solved][value={'no' if rating == 'dissatisfied' else 'yes'}]")
    page.check(f"#rate input[value={rating}]")
    page.fill("#rate textarea[name=comment]", comment)
    page.click("#rate button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_the_whole_loop(phone, new_desktop, screenshot, live_server):
    world = build_world()

    # 1. The resident scans the QR code of their building.
    resident = phone.new_page()
    resident.goto(f"/r/{world.microgrid.code}/")
    assert world.microgrid.name in resident.content()
    resident.select_option("select[name=category]", str(world.category.pk))
    resident.fill("textarea[name=description]", "1栋1单元楼道灯坏了一个星期，晚上老人上下楼很危险")
    resident.fill("input[name=resident_phone]", PHONE)
    resident.click("button[value=send_code]")
    resident.wait_for_selector("text=验证码已发送")
    resident.fill("input[name=otp_code]", last_code())
    screenshot(resident, "01-resident-places-order")
    resident.click("button[value=place]")
    resident.wait_for_selector("text=诉求已提交")
    screenshot(resident, "02-resident-confirmation")
    tracking_url = resident.get_attribute(".tracking-link a", "href")
    order = Order.objects.get()
    assert (order.channel, order.area_id, order.status) == (
        "qr",
        world.microgrid.pk,
        Status.AWAITING_DISPATCH,
    )

    # 2. The dispatcher finds it on the board and sends it to the property manager.
    dispatcher = staff_page(new_desktop, world.dispatcher.username)
    dispatcher.goto("/staff/board/")
    dispatcher.wait_for_selector(f"text={order.reference}")
    screenshot(dispatcher, "03-dispatch-board")
    open_order(dispatcher, order)
    dispatch(dispatcher, tier=Tier.PROPERTY, handler_label=world.property_manager.username)
    screenshot(dispatcher, "04-dispatched-to-property")

    # 3. The property manager returns it: not theirs to fix.
    manager = staff_page(new_desktop, world.property_manager.username)
    manager.goto("/staff/inbox/")
    manager.wait_for_selector(f"text={order.reference}")
    screenshot(manager, "05-property-inbox")
    open_order(manager, order)
    manager.click("details[data-action=return] > summary")
    manager.fill(
        "details[data-action=return] textarea[name=reason]",
        "楼道照明线路属于公共电路改造，不在物业职责内",
    )
    manager.click("details[data-action=return] button[type=submit]")
    expect_status(manager, "待派单")
    order.refresh_from_db()
    assert (order.status, order.queue_reason) == (Status.AWAITING_DISPATCH, QueueReason.RETURNED)

    # 4. Back on the dispatcher's queue, marked returned; on to the grid leader.
    dispatcher.goto("/staff/board/?queue=returned")
    dispatcher.wait_for_selector(f"text={order.reference}")
    screenshot(dispatcher, "06-board-returned-queue")
    open_order(dispatcher, order)
    dispatch(dispatcher, tier=Tier.GRID, handler_label=world.grid_leader.username)

    # 5. The grid leader signs for it and resolves it.
    leader = staff_page(new_desktop, world.grid_leader.username)
    open_order(leader, order)
    sign_and_resolve(
        leader, result="已联系电工更换楼道灯", shot=screenshot, name="07-grid-leader-resolves"
    )

    # 6. The resident is not satisfied: the order is redone one tier up.
    resident_rates(
        resident, tracking_url, rating=Rating.DISSATISFIED, comment="只换了一盏，楼上还是黑的"
    )
    screenshot(resident, "08-resident-dissatisfied")
    order.refresh_from_db()
    assert (order.status, order.queue_reason, order.tier, order.redo_count) == (
        Status.AWAITING_DISPATCH,
        QueueReason.REDO,
        Tier.MEMBER_UNIT,
        1,
    )

    # 7. The dispatcher sends the redo to the community's member unit, which handles it.
    dispatcher.goto("/staff/board/?queue=redo")
    dispatcher.wait_for_selector(f"text={order.reference}")
    open_order(dispatcher, order)
    dispatch(dispatcher, tier=Tier.MEMBER_UNIT, handler_label=world.unit.name)
    liaison = staff_page(new_desktop, world.unit_liaison.username)
    open_order(liaison, order)
    sign_and_resolve(
        liaison,
        result="更换了整栋楼道的线路和 12 盏灯",
        shot=screenshot,
        name="09-member-unit-resolves",
    )

    # 8. Satisfied this time: the order closes.
    resident_rates(resident, tracking_url, rating=Rating.SATISFIED, comment="都亮了，谢谢")
    screenshot(resident, "10-resident-satisfied")
    order.refresh_from_db()
    assert (order.status, order.rating) == (Status.CLOSED, Rating.SATISFIED)

    # 9. The echo wall answers in public — without the resident's phone.
    resident.goto(f"/wall/{world.community.code}/?tab=echo")
    resident.wait_for_selector("text=更换了整栋楼道的线路")
    screenshot(resident, "11-echo-wall")
    assert PHONE not in resident.content()
