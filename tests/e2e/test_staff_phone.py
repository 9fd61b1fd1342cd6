"""Handlers work in the field: inbox, detail, sign-for, resolve with the phone's camera and
intake fit a 390×844 phone."""

from __future__ import annotations

import pytest

from orders import services
from orders.lifecycle import Tier
from tests.orders.conftest import build_world
from tests.orders.public_helpers import png

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def phone_staff_page(phone, username: str):
    page = phone.new_page()
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_selector(".topbar .who")
    return page


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_property_manager_signs_and_resolves_on_a_phone(phone, screenshot, tmp_path):
    world = build_world()
    order = world.place()
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    page = phone_staff_page(phone, world.property_manager.username)
    page.goto("/staff/inbox/")
    page.wait_for_selector(f"text={order.reference}")
    screenshot(page, "phone-inbox")
    assert fits(page)
    page.goto(f"/staff/orders/{order.pk}/")
    screenshot(page, "phone-detail")
    assert fits(page)
    page.click("form[data-action=sign] button[type=submit]")
    page.wait_for_selector("details[data-action=resolve]")
    page.click("details[data-action=resolve] > summary")
    camera = page.locator("details[data-action=resolve] input[type=file]")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    picture = tmp_path / "done.png"
    picture.write_bytes(png().read())
    page.fill("details[data-action=resolve] textarea[name=result_note]", "已更换灯泡")
    camera.set_input_files(str(picture))
    page.click("details[data-action=resolve] button[type=submit]")
    page.wait_for_selector(".detail-head .badge:has-text('待评价')")
    screenshot(page, "phone-resolved")
    assert fits(page)
    order.refresh_from_db()
    assert order.status == "awaiting_rating" and order.photos.filter(kind="result").count() == 1


def test_intake_fits_a_phone(phone, screenshot):
    world = build_world()
    page = phone_staff_page(phone, world.dispatcher.username)
    page.goto("/staff/intake/")
    screenshot(page, "phone-intake")
    assert fits(page)
