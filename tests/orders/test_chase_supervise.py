"""Manual chase (催办) by dispatchers and street officials, supervision (督办) raised by a
street official on any order in scope, and the supervision list's links, community,
kind, filters and cleared lateness (issue 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from core import clock
from orders import services
from orders.errors import OrderError
from orders.lifecycle import Action
from orders.models import OutboxMessage, SupervisionItem, SupervisionKind

from .staff_helpers import act_url, dispatched, signed

SUPERVISION = "/staff/supervision/"


@pytest.mark.parametrize("who", ["dispatcher", "street_official"])
def test_dispatchers_and_street_officials_chase_with_a_note(world, client, who):
    order = dispatched(world)
    actor = getattr(world, who)
    client.force_login(actor)
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert 'data-action="chase"' in html
    response = client.post(
        act_url(order, "chase"),
        {"expected_status": "awaiting_sign", "note": "居民又来电，请今天处理"},
    )
    assert response.status_code == 302
    event = order.events.get(action=Action.CHASE)
    assert (event.actor, event.note, event.data) == (
        actor,
        "居民又来电，请今天处理",
        {"manual": True},
    )
    told = OutboxMessage.objects.get(template="chase_manual")
    assert told.recipient == world.property_manager.username
    assert "居民又来电" in told.body


def test_a_chase_waiting_for_dispatch_reaches_the_other_dispatchers(world):
    order = world.place()
    services.order_chase(order_id=order.pk, actor=world.street_official, note="请尽快派单")
    assert [m.recipient for m in OutboxMessage.objects.filter(template="chase_manual")] == [
        world.dispatcher.username
    ]


def test_chase_refusals(world, client):
    order = dispatched(world)
    with pytest.raises(OrderError) as refused:
        services.order_chase(order_id=order.pk, actor=world.property_manager, note="x")
    assert refused.value.code == "forbidden"
    with pytest.raises(OrderError):
        services.order_chase(order_id=order.pk, actor=world.dispatcher, note="   ")
    with pytest.raises(OrderError):
        services.order_chase(order_id=order.pk, actor=world.other_dispatcher, note="x")
    client.force_login(world.property_manager)
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert 'data-action="chase"' not in html and 'data-action="supervise"' not in html
    response = client.post(
        act_url(order, "chase"), {"expected_status": "awaiting_sign", "note": "x"}
    )
    assert response.status_code == 302
    assert not order.events.filter(action=Action.CHASE).exists()


def test_street_official_raises_supervision_on_any_order_in_scope(world, client):
    order = signed(world)
    client.force_login(world.dispatcher)
    assert (
        'data-action="supervise"' not in client.get(f"/staff/orders/{order.pk}/").content.decode()
    )
    client.force_login(world.street_official)
    response = client.post(
        act_url(order, "supervise"),
        {"expected_status": "in_progress", "note": "居民反映多次，请本周办结"},
    )
    assert response.status_code == 302
    item = SupervisionItem.objects.get(order=order)
    assert item.kind == SupervisionKind.MANUAL and "请本周办结" in item.notes
    assert order.events.filter(action=Action.SUPERVISE).count() == 1
    assert OutboxMessage.objects.filter(
        template="supervise", recipient=world.property_manager.username
    ).exists()
    with pytest.raises(OrderError) as again:
        services.order_supervise(order_id=order.pk, actor=world.street_official, note="再督办")
    assert again.value.code == "already"
    with pytest.raises(OrderError) as refused:
        services.order_supervise(order_id=order.pk, actor=world.dispatcher, note="x")
    assert refused.value.code == "forbidden"


def test_supervision_rows_link_show_community_and_kind_and_filter(world, client):
    ours = world.place()
    theirs = world.place(area=world.other_microgrid, resident_phone="13900007777")
    SupervisionItem.objects.create(
        order=ours, kind=SupervisionKind.REPEAT_DISSATISFIED, raised_at=clock.now()
    )
    SupervisionItem.objects.create(order=theirs, kind=SupervisionKind.MANUAL, raised_at=clock.now())
    client.force_login(world.street_official)
    html = client.get(SUPERVISION).content.decode()
    assert (
        f'href="/staff/orders/{ours.pk}/"' in html and f'href="/staff/orders/{theirs.pk}/"' in html
    )
    assert world.community.name in html and world.other_community.name in html
    only_ours = client.get(SUPERVISION, {"community": world.community.code}).content.decode()
    assert ours.reference in only_ours and theirs.reference not in only_ours
    manual = client.get(SUPERVISION, {"kind": "manual"}).content.decode()
    assert theirs.reference in manual and ours.reference not in manual
    for params in ({"kind": "nope"}, {"community": "ZZ"}, {"community": "'", "kind": "'"}):
        response = client.get(SUPERVISION, params)
        assert response.status_code == 200
        assert ours.reference in response.content.decode()


def test_overdue_label_clears_when_the_order_is_no_longer_overdue(world, client):
    order = signed(world)
    item = SupervisionItem.objects.create(
        order=order, kind=SupervisionKind.OVERDUE, raised_at=clock.now()
    )
    client.force_login(world.street_official)
    with clock.travel_to(order.resolve_due_at + timedelta(hours=1)):
        late = client.get(reverse("orders:supervision")).content.decode()
    row = late.split(f'id="supervision-{item.pk}"')[1].split("</tr>")[0]
    assert "badge-red" in row and "data-cleared" not in row
    services.order_resolve(order_id=order.pk, actor=world.property_manager, result_note="已修好")
    with clock.travel_to(order.resolve_due_at + timedelta(hours=2)):
        done = client.get(reverse("orders:supervision")).content.decode()
    row = done.split(f'id="supervision-{item.pk}"')[1].split("</tr>")[0]
    assert "data-cleared" in row and "已不再超期" in row
