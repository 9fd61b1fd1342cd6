"""Staff ask the resident for more; the resident adds detail or photos to their own open
order from the tracking link (FixMyStreet's "update"), after proving their phone."""

from __future__ import annotations

import pytest

from orders import services
from orders.errors import OrderError
from orders.lifecycle import Action, Status
from orders.models import OrderEvent, OrderPhoto, OutboxMessage, PhotoKind
from tests.orders.public_helpers import PHONE, png, prove_phone
from tests.orders.staff_helpers import act_url, dispatched, resolved, signed

pytestmark = pytest.mark.django_db


def ask(client, world, order, question="请问是几号楼几单元？"):
    client.force_login(world.property_manager)
    return client.post(
        act_url(order, Action.ASK_RESIDENT),
        {"expected_status": order.status, "question": question},
    )


def test_staff_ask_and_the_resident_gets_only_a_link_by_sms(client, world):
    order = signed(world)
    response = ask(client, world, order)
    assert response.status_code == 302
    event = OrderEvent.objects.get(order=order, action=Action.ASK_RESIDENT)
    assert event.note == "请问是几号楼几单元？" and event.actor == world.property_manager
    sms = OutboxMessage.objects.get(template="ask_resident")
    assert sms.recipient == PHONE and f"/t/{order.tracking_token}/" in sms.body
    assert "几号楼" not in sms.body  # the question stays on the page
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS  # asking moves nothing


def test_the_resident_reads_the_question_and_must_prove_the_phone_to_answer(client, world):
    order = signed(world)
    services.order_ask_resident(order_id=order.pk, actor=world.property_manager, question="几楼？")
    client.logout()
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert "承办方请您补充" in html and "几楼？" in html
    assert 'id="prove"' in html and 'id="add"' not in html
    # Without the proof nothing is written.
    client.post(f"/t/{order.tracking_token}/", {"action": "add", "text": "3楼"})
    assert not OrderEvent.objects.filter(action=Action.RESIDENT_ADD).exists()

    prove_phone(client)
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert 'id="add"' in html
    response = client.post(
        f"/t/{order.tracking_token}/",
        {"action": "add", "text": "3栋2单元4楼", "photos": [png()]},
    )
    assert response.status_code == 302
    event = OrderEvent.objects.get(action=Action.RESIDENT_ADD)
    assert event.note == "3栋2单元4楼" and event.actor_kind == "resident"
    assert OrderPhoto.objects.get(order=order, kind=PhotoKind.FOLLOWUP)
    # The handler is told; the question is answered.
    told = OutboxMessage.objects.get(template="resident_added")
    assert order.reference in told.body
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert "几楼？" not in html and "您补充了情况。" in html


def test_staff_see_the_followup_and_its_photos_on_the_detail(client, world):
    order = dispatched(world)
    services.order_resident_add(order_id=order.pk, text="水越漏越多了", photos=[png()])
    client.force_login(world.dispatcher)
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert (
        "水越漏越多了" in html and "居民补充照片" in html and 'data-action="resident_add"' in html
    )


def test_bad_followups_change_nothing(client, world):
    order = signed(world)
    prove_phone(client)
    for data in ({"text": ""}, {"text": "长" * 1001}):
        response = client.post(f"/t/{order.tracking_token}/", {"action": "add", **data})
        assert response.status_code == 200
    html = response.content.decode()
    assert "补充说明最多 1000 字。" in html
    four = [png(f"{n}.png") for n in range(4)]
    response = client.post(
        f"/t/{order.tracking_token}/", {"action": "add", "text": "照片", "photos": four}
    )
    assert "最多上传 3 张照片" in response.content.decode()
    assert not OrderEvent.objects.filter(action=Action.RESIDENT_ADD).exists()
    assert not OrderPhoto.objects.filter(kind=PhotoKind.FOLLOWUP).exists()


def test_closed_orders_take_no_followup_and_no_question(client, world):
    order = resolved(world)
    services.order_rate(order_id=order.pk, rating="satisfied")
    with pytest.raises(OrderError):
        services.order_resident_add(order_id=order.pk, text="还有问题")
    with pytest.raises(OrderError):
        services.order_ask_resident(order_id=order.pk, actor=world.dispatcher, question="?")
    prove_phone(client)
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert 'id="add"' not in html


def test_followups_are_bounded_per_order(world):
    order = signed(world)
    for n in range(services.lifecycle.MAX_FOLLOWUPS):
        services.order_resident_add(order_id=order.pk, text=f"第{n}次")
    with pytest.raises(OrderError) as refused:
        services.order_resident_add(order_id=order.pk, text="再一次")
    assert refused.value.code == "too_many"


def test_only_staff_of_the_order_may_ask(client, world):
    order = signed(world)
    client.force_login(world.other_property_manager)
    response = client.post(
        act_url(order, Action.ASK_RESIDENT), {"expected_status": order.status, "question": "?"}
    )
    assert response.status_code == 404
    assert not OrderEvent.objects.filter(action=Action.ASK_RESIDENT).exists()
