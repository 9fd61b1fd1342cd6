"""党员接单 in real Chromium: a dispatcher puts an order into the open pool on a desktop →
a verified party member on a phone (390×844) sees it anonymised, claims it, reads the
resident's phone, resolves it → the resident rates it 满意 → the member's points rise."""

from __future__ import annotations

import pytest

from orders import services
from orders.lifecycle import Status
from orders.models import Order, Rating
from tests.e2e.test_party import fits, login
from tests.orders.conftest import build_world
from tests.parties.helpers import PASSWORD, verified_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RESIDENT_PHONE, RESIDENT_NAME = "13800138000", "王阿姨"


def test_pool_order_from_dispatcher_to_points(phone, new_desktop, screenshot):
    world = build_world()
    member = verified_member(world, phone="13500135061")
    order = world.place(description="楼下路灯坏了，电话13800138000")

    desk = new_desktop().new_page()
    login(desk, "dispatcher", "pw")
    desk.goto(f"/staff/orders/{order.pk}/")
    desk.click("details[data-action='to_pool'] > summary")
    desk.fill("details[data-action='to_pool'] textarea[name=note]", "适合党员认领")
    desk.click("details[data-action='to_pool'] button[type=submit]")
    desk.wait_for_selector("text=已放入接单池")
    assert Order.objects.get(pk=order.pk).status == Status.IN_POOL

    mobile = phone.new_page()
    login(mobile, member.phone, PASSWORD)
    mobile.goto("/staff/pool/")
    row = mobile.locator(f"#pool-waiting [data-order='{order.pk}']")
    assert "楼下路灯坏了" in row.inner_text()
    assert RESIDENT_PHONE not in mobile.content() and RESIDENT_NAME not in mobile.content()
    fits(mobile)
    screenshot(mobile, "pool-01-member-pool")
    row.get_by_role("button", name="接单").click()
    mobile.wait_for_selector(f"#pool-mine [data-order='{order.pk}']")
    mobile.click(f"#pool-mine [data-order='{order.pk}'] a")
    mobile.wait_for_selector("#order-actions")
    assert RESIDENT_PHONE in mobile.content()  # claimed: now they may call the resident
    mobile.click("details[data-action='resolve'] > summary")
    mobile.fill("details[data-action='resolve'] textarea[name=result_note]", "已联系物业换好灯泡")
    mobile.click("details[data-action='resolve'] button[type=submit]")
    mobile.wait_for_selector("text=已办结反馈")
    fits(mobile)
    screenshot(mobile, "pool-02-member-resolved")
    assert Order.objects.get(pk=order.pk).status == Status.AWAITING_RATING

    services.order_rate(order_id=order.pk, rating=Rating.SATISFIED, solved=True)
    mobile.goto("/party/")
    assert mobile.inner_text("#balance").strip() == "10"
