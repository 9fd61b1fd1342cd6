"""The private tracking page: timeline, photos, rating and the resident's cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

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
        "已受理，正在安排" in html
        and "待派单" not in html
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


def test_tracking_page_shows_the_expected_time_and_the_tier_never_a_name(client, world):
    order = world.place()
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    order.refresh_from_db()
    due = timezone.localtime(order.resolve_due_at)
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert f"预计 {due.month}月{due.day}日 {due:%H:%M} 前办结" in html
    assert "由物业服务企业办理" in html and "已安排办理" in html
    pm = world.property_manager
    assert pm.last_name + pm.first_name not in html and pm.username not in html

    # An extension under review is still "being handled" to the resident.
    services.order_sign(order_id=order.pk, actor=pm)
    services.order_request_extension(
        order_id=order.pk, actor=pm, until=order.resolve_due_at + timedelta(days=3), reason="等配件"
    )
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert "正在办理" in html and "延期待审" not in html


def test_tracking_page_says_the_order_is_being_arranged_before_dispatch(client, world):
    order = world.place()
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert "社区已收到，正在安排办理单位。" in html and "预计" not in html


def test_tracking_page_speaks_english_too(client, world):
    order = _resolved(world)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert "Resolved, awaiting your rating" in html and "预计" not in html


def test_after_dissatisfied_the_resident_reads_who_handles_it_again_and_the_first_result(
    client, world
):
    order = _resolved(world)
    services.order_rate(order_id=order.pk, rating="dissatisfied", comment="灯还是不亮")
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    assert "您对办理结果不满意，社区将交由「网格长」重新办理。" in html
    assert "此前的办理结果" in html and "已更换灯泡" in html
    assert "已受理，正在安排" in html
    # Once handled again the new result is the one to rate; the first stays below it.
    services.order_dispatch(
        order_id=order.pk, actor=world.dispatcher, tier=Tier.GRID, handler_user=world.grid_leader
    )
    services.order_sign(order_id=order.pk, actor=world.grid_leader)
    services.order_resolve(order_id=order.pk, actor=world.grid_leader, result_note="已换整套灯具")
    html = client.get(f"/t/{order.tracking_token}/").content.decode()
    current, earlier = html.split("此前的办理结果")
    assert "已换整套灯具" in current and "已更换灯泡" in earlier
