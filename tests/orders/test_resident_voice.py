"""Finding: a dispatcher took a resident's tracking link from the staff outbox, posted
`action=rate&rating=satisfied` and the order closed as satisfied, recorded as the
resident's own rating; the same link let staff cancel. And one-time codes were visible on
the outbox to every dispatcher and street official of every street.

Now staff never see a tracking link (outbox, admin, logs), a rating or cancellation needs
the browser to have proved the order's phone by a code sent to it, codes never reach
staff except under the development-only switch that production refuses, and OTP messages
are scoped like every other message.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from core.senders import ConsoleSender
from orders import verification
from orders.lifecycle import Status
from orders.models import OutboxMessage
from tests.config.test_settings import run_settings
from tests.factories import SuperuserFactory
from tests.orders.public_helpers import PHONE, last_code
from tests.orders.staff_helpers import resolved

pytestmark = pytest.mark.django_db
LINK = re.compile(r"/t/([A-Za-z0-9_-]{16,64})/")


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_outbox_shows_no_tracking_link(world) -> None:
    order = resolved(world)
    assert OutboxMessage.objects.filter(body__contains=order.tracking_token).count() >= 2

    for user in (world.dispatcher, world.street_official):
        for template in ("", "order_placed", "rating_request", "rating_reminder"):
            page = staff(user).get(reverse("orders:outbox"), {"template": template})
            html = page.content.decode()
            assert order.tracking_token not in html
            assert not LINK.search(html)
    assert "/t/******" in staff(world.dispatcher).get(reverse("orders:outbox")).content.decode()


def test_a_dispatcher_holding_the_link_cannot_rate_or_cancel(world) -> None:
    order = resolved(world)
    dispatcher = staff(world.dispatcher)
    link = f"/t/{order.tracking_token}/"

    page = dispatcher.get(link).content.decode()
    assert 'name="rating"' not in page and "确认是您本人" in page
    response = dispatcher.post(
        link, {"action": "rate", "solved": "yes", "rating": "satisfied"}, follow=True
    )
    assert "请先获取短信验证码并完成验证" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.rating) == (Status.AWAITING_RATING, "")

    # Asking for a code sends it to the resident's phone, where staff cannot read it.
    dispatcher.post(link, {"action": "send_code"})
    sms = OutboxMessage.objects.filter(template="otp").get()
    assert sms.recipient == order.resident_phone
    outbox = dispatcher.get(reverse("orders:outbox"), {"template": "otp"}).content.decode()
    assert re.search(r"\d{6}", sms.body).group(0) not in outbox
    for guess in ("000000", "111111", "222222"):
        dispatcher.post(link, {"action": "verify", "otp_code": guess})
    dispatcher.post(link, {"action": "rate", "solved": "yes", "rating": "satisfied"})
    order.refresh_from_db()
    assert order.rating == ""


def test_nor_cancel_an_open_order(world) -> None:
    order = world.place()
    dispatcher = staff(world.dispatcher)
    dispatcher.post(
        f"/t/{order.tracking_token}/", {"action": "cancel", "seen_status": order.status}
    )
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH


def test_the_resident_proves_the_phone_through_the_link_and_rates(world) -> None:
    order = resolved(world)
    resident = Client()
    link = f"/t/{order.tracking_token}/"
    resident.post(link, {"action": "send_code"})
    resident.post(link, {"action": "verify", "otp_code": last_code(PHONE)})

    page = resident.get(link).content.decode()
    assert 'name="rating"' in page
    resident.post(
        link, {"action": "rate", "solved": "yes", "rating": "satisfied", "comment": "很好"}
    )
    order.refresh_from_db()
    assert (order.status, order.rating) == (Status.CLOSED, "satisfied")


def test_the_admin_never_shows_the_link() -> None:
    from tests.orders.conftest import build_world

    world = build_world()
    order = resolved(world)
    boss = staff(SuperuserFactory())
    message = OutboxMessage.objects.filter(body__contains=order.tracking_token).first()

    for url in (
        f"/admin/orders/order/{order.pk}/change/",
        "/admin/orders/order/",
        f"/admin/orders/outboxmessage/{message.pk}/change/",
        "/admin/orders/outboxmessage/",
    ):
        response = boss.get(url)
        assert response.status_code == 200, url
        assert order.tracking_token not in response.content.decode(), url


def test_the_console_log_masks_links_and_codes(world, caplog) -> None:
    order = world.place()
    verification.verification_send(phone="13911112222")
    code = last_code("13911112222")
    with caplog.at_level(logging.INFO, logger="core.senders"):
        for message in OutboxMessage.objects.all():
            ConsoleSender().send(message)
    assert order.tracking_token not in caplog.text and code not in caplog.text
    assert "/t/******" in caplog.text


def test_codes_reach_staff_only_under_the_development_switch(world, settings) -> None:
    verification.verification_send(phone="13911112222", area_path=world.microgrid.path)
    code = last_code("13911112222")
    dispatcher = staff(world.dispatcher)

    assert code not in dispatcher.get(reverse("orders:outbox")).content.decode()
    settings.SIDAN_DEV_REVEAL_SECRETS = True
    assert code in dispatcher.get(reverse("orders:outbox")).content.decode()
    settings.DJANGO_ENV = "production"  # the switch is dead in production whatever it says
    assert code not in dispatcher.get(reverse("orders:outbox")).content.decode()


def test_otp_messages_are_scoped_like_the_rest(world) -> None:
    verification.verification_send(phone="13911112222")  # from /r/ or /me/: no place
    verification.verification_send(phone="13933334444", area_path=world.microgrid.path)

    mine = staff(world.dispatcher).get(reverse("orders:outbox")).content.decode()
    theirs = staff(world.other_dispatcher).get(reverse("orders:outbox")).content.decode()
    assert "139****4444" in mine and "139****2222" not in mine
    assert "139****4444" not in theirs and "139****2222" not in theirs


def test_a_code_asked_from_a_qr_page_lands_in_that_places_outbox(world) -> None:
    Client().post(
        f"/r/{world.microgrid.code}/", {"action": "send_code", "resident_phone": "13955556666"}
    )
    assert OutboxMessage.objects.get(template="otp").area_path == world.microgrid.path


def test_production_refuses_the_switch(tmp_path) -> None:
    import secrets

    result = run_settings(
        tmp_path,
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        SIDAN_DEV_REVEAL_SECRETS="true",
    )
    assert result.returncode != 0
    assert "SIDAN_DEV_REVEAL_SECRETS cannot be on in production" in result.stderr
