"""My orders: a verified phone sees its own orders, and only those."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.orders.public_helpers import PHONE, last_code

pytestmark = pytest.mark.django_db


def test_my_orders_after_verification(client, world):
    mine = world.place()
    theirs = world.place(resident_phone="13900139000")
    page = client.get("/me/").content.decode()
    assert mine.reference not in page and "获取验证码" in page
    html = client.post(
        "/me/", {"action": "send_code", "resident_phone": PHONE}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<div id="verify"' in html and "138****8000" in html
    response = client.post("/me/", {"action": "verify", "resident_phone": PHONE, "otp_code": "12"})
    assert "6 位数字" in response.content.decode()
    response = client.post(
        "/me/", {"action": "verify", "resident_phone": PHONE, "otp_code": last_code()}, follow=True
    )
    html = response.content.decode()
    assert mine.reference in html and f"/t/{mine.tracking_token}/" in html
    assert theirs.reference not in html and theirs.tracking_token not in html


def test_my_orders_session_expires(client, world, settings):
    order = world.place()
    client.post("/me/", {"action": "send_code", "resident_phone": PHONE})
    client.post("/me/", {"action": "verify", "resident_phone": PHONE, "otp_code": last_code()})
    assert order.reference in client.get("/me/").content.decode()
    session = client.session
    session["sidan_verified_phone"]["until"] = timezone.now().timestamp() - 1
    session.save()
    assert order.reference not in client.get("/me/").content.decode()


def test_forget(client, world):
    order = world.place()
    client.post("/me/", {"action": "send_code", "resident_phone": PHONE})
    client.post("/me/", {"action": "verify", "resident_phone": PHONE, "otp_code": last_code()})
    client.post("/me/", {"action": "forget"})
    assert order.reference not in client.get("/me/").content.decode()
