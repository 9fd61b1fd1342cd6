"""The private tracking page: timeline, photos, rating and the resident's cancel."""

from __future__ import annotations

import pytest

from orders import services
from orders.lifecycle import Status, Tier
from orders.models import Order, OrderEvent
from tests.orders.public_helpers import png, prove_phone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _the_resident(client) -> None:
    """These pages are used by the resident: their browser proved the order's phone
    (tests/orders/test_resident_voice.py covers a browser that did not)."""
    prove_phone(client)


def _resolved(world) -> Order:
    order = world.place()
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
    return Order.objects.get(pk=order.pk)


def test_tracking_page_shows_timeline_status_and_location(client, world):
    order = world.place()
    response = client.get(f"/t/{order.tracking_token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "待派单" in html
        and "您的诉求已提交" in html
        and world.category.name in html
        and "桂花苑" in html
    )
    assert 'name="rating"' not in html and "撤销诉求" in html
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("token", ["nope", "x" * 200, "%00", "abc.def-_", "A" * 32])
def test_unknown_token_is_404(client, world, token):
    world.place()
    response = client.get(f"/t/{token}/")
    assert response.status_code == 404 and "链接无效" in response.content.decode()
    assert client.post(f"/t/{token}/", {"action": "cancel"}).status_code == 404


def test_rating_form_only_when_awaiting_rating_and_rating_closes(client, world):
    order = _resolved(world)
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert 'name="rating"' in html and "已更换灯泡" in html and "撤销诉求" not in html
    response = client.post(
        f"/t/{order.tracking_token}/",
        {"action": "rate", "solved": "yes", "rating": "satisfied", "comment": "很快"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.rating == "satisfied"
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert 'name="rating"' not in html and "满意" in html


def test_dissatisfied_reopens_htmx(client, world):
    order = _resolved(world)
    response = client.post(
        f"/t/{order.tracking_token}/",
        {"action": "rate", "solved": "no", "rating": "dissatisfied"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert (
        response.status_code == 200
        and html.lstrip().startswith('<div id="main"')
        and "<html" not in html
    )
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH and order.redo_count == 1


def test_invalid_rating_and_rating_twice_change_nothing(client, world):
    order = _resolved(world)
    response = client.post(f"/t/{order.tracking_token}/", {"action": "rate", "rating": "great"})
    assert response.status_code == 200 and "请选择满意" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.AWAITING_RATING
    client.post(
        f"/t/{order.tracking_token}/", {"action": "rate", "solved": "yes", "rating": "satisfied"}
    )
    events = OrderEvent.objects.filter(order=order).count()
    response = client.post(
        f"/t/{order.tracking_token}/",
        {"action": "rate", "solved": "no", "rating": "dissatisfied"},
        follow=True,
    )
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.rating == "satisfied"
    assert OrderEvent.objects.filter(order=order).count() == events
    assert "无法" in response.content.decode()


def test_resident_cancels_before_sign_for(client, world):
    order = world.place()
    response = client.post(
        f"/t/{order.tracking_token}/",
        {"action": "cancel", "seen_status": order.status},
        follow=True,
    )
    order.refresh_from_db()
    assert order.status == Status.CANCELLED and "工单已撤销" in response.content.decode()


def test_resident_cannot_cancel_after_sign_for(client, world):
    order = world.place()
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    page = client.get(f"/t/{order.tracking_token}/").content.decode()
    services.order_sign(order_id=order.pk, actor=world.property_manager)
    # The resident acts on the page they saw before sign-for.
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(
            f"/t/{order.tracking_token}/",
            {"action": "cancel", "seen_status": "awaiting_sign"},
            follow=not headers,
            **headers,
        )
        assert "无法撤销" in response.content.decode()
    assert "撤销诉求" in page
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS
    assert "撤销诉求" not in client.get(f"/t/{order.tracking_token}/").content.decode()


def test_photo_view_checks_the_token(client, world):
    order = world.place(photos=[png()])
    other = world.place()
    photo = order.photos.get()
    ok = client.get(f"/t/{order.tracking_token}/photos/{photo.pk}/")
    assert ok.status_code == 200 and b"".join(ok.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"/t/{other.tracking_token}/photos/{photo.pk}/").status_code == 404
    assert client.get(f"/t/garbage/photos/{photo.pk}/").status_code == 404
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert f"/t/{order.tracking_token}/photos/{photo.pk}/" in html and "/media/" not in html
