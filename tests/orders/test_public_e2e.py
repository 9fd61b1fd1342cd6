"""Resident pages in real Chromium at phone width; screenshots land in test-artifacts/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orders import services
from orders.lifecycle import Tier
from tests.orders.conftest import build_world
from tests.orders.public_helpers import PHONE, last_code

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium"),
]


@pytest.fixture
def page(live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        yield context.new_page()
        browser.close()


def test_resident_journey_at_390px(page, live_server, transactional_db):
    world = build_world()
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/r/")
    page.select_option("select[name=community]", world.community.code)
    page.wait_for_selector("select[name=grid]")
    page.select_option("select[name=grid]", world.grid.code)
    page.wait_for_selector("select[name=compound]")
    page.select_option("select[name=compound]", world.compound.code)
    page.wait_for_selector("select[name=micro]")
    page.select_option("select[name=micro]", world.microgrid.code)
    page.wait_for_selector(".picked:has-text('1栋1单元')")
    page.select_option("select[name=category]", str(world.category.pk))
    page.fill("textarea[name=description]", "3栋楼道灯坏了一个星期，晚上很黑")
    page.fill("input[name=resident_phone]", PHONE)
    page.click("button[value=send_code]")
    page.wait_for_selector("text=验证码已发送")
    page.screenshot(path=str(ARTIFACTS / "resident-place.png"), full_page=True)
    page.fill("input[name=otp_code]", last_code())
    page.click("button[value=place]")
    page.wait_for_selector("text=诉求已提交")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "resident-placed.png"), full_page=True)
    from orders.models import Order

    order = Order.objects.get()
    assert order.area == world.microgrid and order.channel == "mobile"
    services.order_dispatch(order_id=order.pk, actor=world.dispatcher, tier=Tier.PROPERTY,
                            handler_user=world.property_manager)
    services.order_sign(order_id=order.pk, actor=world.property_manager)
    services.order_resolve(order_id=order.pk, actor=world.property_manager, result_note="已更换灯泡")
    page.goto(f"{live_server.url}/t/{order.tracking_token}/")
    page.screenshot(path=str(ARTIFACTS / "resident-track.png"), full_page=True)
    page.check("input[value=satisfied]")
    page.click("#rate button[type=submit]")
    page.wait_for_selector("text=感谢您的评价")
    order.refresh_from_db()
    assert order.status == "closed"
    page.goto(f"{live_server.url}/wall/{world.community.code}/?tab=echo")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "resident-wall.png"), full_page=True)
