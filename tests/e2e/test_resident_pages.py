"""Resident pages in real Chromium at phone width; screenshots land in test-artifacts/."""

from __future__ import annotations

import pytest

from orders import services
from orders.lifecycle import Tier
from tests.orders.conftest import build_world
from tests.orders.public_helpers import PHONE, last_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_resident_journey_at_390px(phone, screenshot):
    world = build_world()
    page = phone.new_page()
    page.goto("/r/")
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
    screenshot(page, "resident-place")
    page.fill("input[name=otp_code]", last_code())
    page.click("button[value=place]")
    page.wait_for_selector("text=诉求已提交")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "resident-placed")
    from orders.models import Order

    order = Order.objects.get()
    assert order.area == world.microgrid and order.channel == "mobile"
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    services.order_sign(order_id=order.pk, actor=world.property_manager)
    services.order_resolve(
        order_id=order.pk, actor=world.property_manager, result_note="已更换灯泡"
    )
    page.goto(f"/t/{order.tracking_token}/")
    screenshot(page, "resident-track")
    page.check("#rate input[name=solved][value=yes]")
    page.check("#rate input[value=satisfied]")
    page.click("#rate button[type=submit]")
    page.wait_for_selector("text=感谢您的评价")
    order.refresh_from_db()
    assert order.status == "closed"
    page.goto(f"/wall/{world.community.code}/?tab=echo")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "resident-wall")


def test_the_code_button_counts_down_then_comes_back(phone):
    world = build_world()
    page = phone.new_page()
    page.clock.install()
    page.goto(f"/r/{world.microgrid.code}/")
    page.fill("input[name=resident_phone]", PHONE)
    page.click("button[value=send_code]")
    page.wait_for_selector("text=验证码已发送")
    button = page.locator("button[value=send_code]")
    assert button.is_disabled()
    first = int(button.inner_text().split(" ")[0])
    assert 55 <= first <= 60 and "秒后可重新获取" in button.inner_text()
    page.clock.run_for(3000)
    assert int(button.inner_text().split(" ")[0]) == first - 3
    # When the wait is over the button comes back with its own label.
    page.clock.run_for(61_000)
    assert button.is_enabled() and button.inner_text() == "获取验证码"

    # A reload within the minute still knows how long is left: the server says so.
    page.click("button[value=send_code]")
    page.wait_for_selector("button[value=send_code]:disabled")
    page.reload()
    assert page.locator("button[value=send_code]").is_disabled()


def test_the_resident_answers_a_question_with_a_photo_on_the_phone(phone, screenshot, tmp_path):
    from orders.models import OrderEvent, OrderPhoto

    world = build_world()
    order = world.place(resident_phone=PHONE)
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    services.order_ask_resident(
        order_id=order.pk, actor=world.property_manager, question="请问漏水的是哪一层？"
    )
    page = phone.new_page()
    page.goto(f"/t/{order.tracking_token}/")
    page.wait_for_selector("text=请问漏水的是哪一层？")
    page.click("#prove button[value=send_code]")
    page.wait_for_selector("text=验证码已发送")
    page.fill("#prove input[name=otp_code]", last_code())
    page.click("#prove button[value=verify]")
    page.wait_for_selector("#add")
    picture = tmp_path / "leak.png"
    from tests.orders.public_helpers import png

    picture.write_bytes(png().read())
    page.fill("#add textarea[name=text]", "是4楼，水从天花板滴下来")
    page.set_input_files("#add input[name=photos]", str(picture))
    page.click("#add button[type=submit]")
    page.wait_for_selector("text=已收到您的补充")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "resident-followup")
    assert OrderEvent.objects.get(order=order, action="resident_add").note.startswith("是4楼")
    assert OrderPhoto.objects.filter(order=order, kind="followup").count() == 1
