"""Residents decide whether their description is on the wall; staff moderate wall entries
with the original kept; a resident sees and deletes their personal data from "my orders"
(orders kept, anonymised); closed orders lose names and phones after the retention period
(a periodic task, idempotent, in bounded batches)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.models import AuditEntry
from orders import services, tasks
from orders.lifecycle import Status
from orders.models import Order, OrderPhoto, OutboxMessage, PhoneVerification
from tests.orders.public_helpers import PHONE, last_code, order_data, png, prove_phone
from tests.orders.staff_helpers import resolved

pytestmark = pytest.mark.django_db


def wall(client, world, tab: str = "problems") -> str:
    return client.get(f"/wall/{world.community.code}/", {"tab": tab}).content.decode()


def test_a_resident_can_keep_the_description_off_the_wall(client, world) -> None:
    client.post(f"/r/{world.microgrid.code}/", {"action": "send_code", "resident_phone": PHONE})
    data = order_data(
        world, otp_code=last_code(), hide_from_wall="on", description="家里漏水很严重"
    )
    response = client.post(f"/r/{world.microgrid.code}/", data)
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.show_on_wall is False

    page = wall(Client(), world)
    assert "家里漏水很严重" not in page
    assert "居民选择不公开问题描述" in page


def test_staff_hide_or_edit_a_wall_entry_and_the_original_stays(world) -> None:
    order = world.place(description="楼上邻居天天吵，姓张的那家")
    dispatcher = Client()
    dispatcher.force_login(world.dispatcher)
    url = f"/staff/orders/{order.pk}/wall/"

    dispatcher.post(url, {"wall_text": "楼上噪音扰民"})
    page = wall(Client(), world)
    assert "楼上噪音扰民" in page and "姓张的那家" not in page

    dispatcher.post(url, {"wall_hidden": "on", "wall_text": "楼上噪音扰民"})
    page = wall(Client(), world)
    assert "楼上噪音扰民" not in page and "楼上邻居天天吵" not in page

    order.refresh_from_db()
    assert order.description == "楼上邻居天天吵，姓张的那家"
    assert order.wall_moderated_by == world.dispatcher
    assert AuditEntry.objects.filter(action="wall.moderate").count() == 2


def test_only_overseers_moderate(world) -> None:
    order = world.place()
    worker = world.property_manager  # in scope, not an overseer
    client = Client()
    client.force_login(worker)
    assert client.post(f"/staff/orders/{order.pk}/wall/", {"wall_hidden": "on"}).status_code == 404
    other = Client()
    other.force_login(world.other_dispatcher)
    assert other.post(f"/staff/orders/{order.pk}/wall/", {"wall_hidden": "on"}).status_code == 404
    order.refresh_from_db()
    assert order.wall_hidden is False


def test_a_resident_sees_and_deletes_their_personal_data(client, world) -> None:
    first = world.place(
        resident_name="王阿姨", description="电话13800138000，灯坏了", photos=[png()]
    )
    second = resolved(world)
    other = world.place(resident_phone="13900139000", resident_name="李叔")
    from orders import verification

    verification.verification_send(phone=PHONE)
    prove_phone(client)

    page = client.get("/me/").content.decode()
    assert "我的个人信息" in page and "王阿姨" in page and first.reference in page

    assert client.post("/me/", {"action": "erase"}).status_code == 302  # no confirmation
    assert Order.objects.get(pk=first.pk).resident_phone == PHONE

    client.post("/me/", {"action": "erase", "confirm": "yes"})

    for order in (first, second):
        order.refresh_from_db()
        assert (order.resident_phone, order.resident_name) == ("", "")
        assert order.anonymised_at is not None
        assert "13800138000" not in order.description
    assert first.description.endswith("灯坏了")
    assert not OrderPhoto.objects.filter(order=first).exists()
    assert not PhoneVerification.objects.filter(phone=PHONE).exists()
    assert not OutboxMessage.objects.filter(recipient=PHONE).exists()
    assert OutboxMessage.objects.filter(recipient="138****8000").exists()
    other.refresh_from_db()
    assert other.resident_phone == "13900139000"  # nobody else's data
    assert Order.objects.count() == 3  # the orders themselves stay
    assert AuditEntry.objects.filter(action="privacy.resident_erase").exists()
    assert "我的个人信息" not in client.get("/me/").content.decode()  # signed out


def _closed(world, *, days_ago: int) -> Order:
    order = world.place()
    services.order_cancel(order_id=order.pk, reason="resident")
    Order.objects.filter(pk=order.pk).update(cancelled_at=timezone.now() - timedelta(days=days_ago))
    return order


def test_retention_anonymises_finished_orders_once_in_bounded_batches(world, settings) -> None:
    settings.SIDAN_RETENTION_DAYS = 30
    old = [_closed(world, days_ago=40) for _ in range(5)]
    recent = _closed(world, days_ago=10)
    open_order = world.place()
    Order.objects.filter(pk=open_order.pk).update(placed_at=timezone.now() - timedelta(days=90))

    assert services.anonymise_expired(batch=2, max_batches=1) == 2
    assert services.anonymise_expired(batch=2, max_batches=5) == 3
    assert services.anonymise_expired() == 0  # idempotent

    for order in old:
        order.refresh_from_db()
        assert order.resident_phone == "" and order.anonymised_at is not None
    for order in (recent, open_order):
        order.refresh_from_db()
        assert order.resident_phone == PHONE and order.anonymised_at is None
    assert open_order.status == Status.AWAITING_DISPATCH


def test_the_periodic_task_runs_the_rule(world, settings) -> None:
    settings.SIDAN_RETENTION_DAYS = 30
    order = _closed(world, days_ago=31)
    tasks.anonymise_expired.delay()
    order.refresh_from_db()
    assert order.anonymised_at is not None
    assert "orders.anonymise_expired" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_staff_see_an_anonymised_order_without_personal_data(world) -> None:
    order = world.place(resident_name="王阿姨")
    services.resident_erase(phone=PHONE)
    client = Client()
    client.force_login(world.dispatcher)
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert PHONE not in html and "王阿姨" not in html


@pytest.mark.parametrize(
    "phone, masked",
    [
        ("13800138000", "138****8000"),
        ("0573-84123456", "0573-****3456"),
        ("010-12345678", "010-****5678"),
        ("", ""),
        ("demo_dispatcher", "demo_dispatcher"),
    ],
)
def test_mobiles_and_landlines_are_masked_alike(phone, masked):
    from core.phones import mask_phone

    assert mask_phone(phone) == masked
