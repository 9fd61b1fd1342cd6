"""The order detail and its actions: allowed buttons, scope (404), HTMX and plain posts,
stale clicks, photos, query counts."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from orders import services
from orders.lifecycle import Action, QueueReason, Status, Tier
from orders.models import Order, OrderEvent, OrderPhoto, Rating

from .staff_helpers import HX, act_url, dispatched, extension_requested, resolved


def detail_url(order: Order) -> str:
    return f"/staff/orders/{order.pk}/"


def action_buttons(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-action="([a-z_]+)"', html.split('class="timeline"')[0]))


def png(name: str = "p.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- what is shown -------------------------------------------------------------------


def test_dispatcher_sees_dispatch_only_while_awaiting_dispatch(world, client):
    order = world.place()
    client.force_login(world.dispatcher)
    html = client.get(detail_url(order)).content.decode()
    assert action_buttons(html) == {
        "dispatch",
        "to_pool",
        "cancel",
        "merge",
        "chase",
        "note",
        "ask_resident",
    }
    assert "13800138000" in html and "3栋楼道灯坏了一个星期" in html
    order = dispatched(world)
    html = client.get(detail_url(order)).content.decode()
    assert "dispatch" not in action_buttons(html) and "sign" not in action_buttons(html)


def test_property_manager_sees_sign_and_return_on_an_order_dispatched_to_them(world, client):
    order = dispatched(world)
    client.force_login(world.property_manager)
    html = client.get(detail_url(order)).content.decode()
    assert action_buttons(html) == {"sign", "return", "note", "ask_resident"}
    assert ">签收</button>" in html and "<summary>退单</summary>" in html


def test_handler_actions_after_sign_and_dispatcher_actions_on_extension(world, client):
    order = extension_requested(world)
    client.force_login(world.property_manager)
    assert action_buttons(client.get(detail_url(order)).content.decode()) == {
        "resolve",
        "note",
        "ask_resident",
    }
    client.force_login(world.dispatcher)
    assert action_buttons(client.get(detail_url(order)).content.decode()) == {
        "approve_extension",
        "refuse_extension",
        "escalate",
        "cancel",
        "chase",
        "note",
        "ask_resident",
    }


def test_dispatcher_may_record_a_callback_rating(world, client):
    order = resolved(world)
    client.force_login(world.dispatcher)
    assert "rate" in action_buttons(client.get(detail_url(order)).content.decode())
    response = client.post(
        act_url(order, "rate"),
        {
            "expected_status": Status.AWAITING_RATING,
            "solved": "yes",
            "rating": Rating.SATISFIED,
            "comment": "电话回访满意",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.events.get(action=Action.RATE).actor == world.dispatcher
    assert order.solved is True


def test_timeline_shows_text_note_actor_and_time(world, client):
    order = dispatched(world)
    services.order_return(order_id=order.pk, actor=world.property_manager, reason="不属于物业职责")
    client.force_login(world.dispatcher)
    html = client.get(detail_url(order)).content.decode()
    assert "派单 → 待签收" in html and "（物业：pm）" in html
    assert "不属于物业职责" in html and ">pm</span>" in html


# --- scope -------------------------------------------------------------------------------

ACTION_NAMES = [
    "dispatch",
    "sign",
    "return",
    "request_extension",
    "approve_extension",
    "refuse_extension",
    "escalate",
    "resolve",
    "rate",
    "cancel",
    "note",
]


@pytest.mark.parametrize("who", ["other_dispatcher", "other_property_manager"])
def test_outside_scope_everything_is_404(world, client, who):
    order = world.place(photos=[png()])
    photo = order.photos.get()
    client.force_login(getattr(world, who))
    assert client.get(detail_url(order)).status_code == 404
    assert client.get(f"/staff/orders/{order.pk}/photos/{photo.pk}/").status_code == 404
    for action in ACTION_NAMES:
        response = client.post(
            act_url(order, action), {"expected_status": order.status, "note": "x"}
        )
        assert response.status_code == 404, action
        assert (
            client.post(act_url(order, action), {"expected_status": order.status}, **HX).status_code
            == 404
        )
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_photos_are_served_only_through_the_scoped_view(world, client):
    order = world.place(photos=[png()])
    photo = order.photos.get()
    client.force_login(world.dispatcher)
    response = client.get(f"/staff/orders/{order.pk}/photos/{photo.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    # The photo id of another order under this order's URL: not found.
    other = world.place(photos=[png()])
    assert (
        client.get(f"/staff/orders/{order.pk}/photos/{other.photos.get().pk}/").status_code == 404
    )


# --- actions -------------------------------------------------------------------------------


def test_plain_post_redirects_with_a_message(world, client):
    order = world.place()
    client.force_login(world.dispatcher)
    response = client.post(
        act_url(order, "dispatch"),
        {
            "expected_status": Status.AWAITING_DISPATCH,
            "tier": Tier.PROPERTY,
            "handler": world.property_manager.pk,
            "note": "请尽快处理",
        },
        follow=True,
    )
    assert response.redirect_chain == [(detail_url(order), 302)]
    assert "已派单" in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.handler_user) == (Status.AWAITING_SIGN, world.property_manager)


def test_htmx_post_swaps_the_detail_and_the_counts_out_of_band(world, client):
    order = world.place()
    client.force_login(world.dispatcher)
    response = client.post(
        act_url(order, "dispatch"),
        {
            "expected_status": Status.AWAITING_DISPATCH,
            "tier": Tier.GRID,
            "handler": world.grid_leader.pk,
        },
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="order-detail"') and "<html" not in html
    assert 'hx-swap-oob="true"' in html and 'data-count="new">0<' in html
    assert "已派单" in html


def test_handler_list_reloads_for_the_chosen_tier(world, client):
    order = world.place()
    client.force_login(world.dispatcher)
    html = client.get(detail_url(order), {"tier": Tier.MEMBER_UNIT}, **HX).content.decode()
    assert html.lstrip().startswith('<div id="dispatch-handlers"')
    assert world.unit.name in html and "pm" not in html
    # Without JavaScript: the page with the tier preselected and its candidates.
    html = client.get(detail_url(order), {"tier": Tier.GRID}).content.decode()
    assert '<option value="2" selected>网格长</option>' in html and "gridleader" in html


def test_dispatch_to_a_member_unit(world, client):
    order = world.place()
    client.force_login(world.dispatcher)
    client.post(
        act_url(order, "dispatch"),
        {"expected_status": order.status, "tier": Tier.MEMBER_UNIT, "handler": world.unit.pk},
    )
    order.refresh_from_db()
    assert (order.status, order.handler_unit) == (Status.AWAITING_SIGN, world.unit)


def test_invalid_input_changes_nothing_and_shows_the_error(world, client):
    order = dispatched(world)
    events_before = order.events.count()
    client.force_login(world.property_manager)
    response = client.post(
        act_url(order, "return"), {"expected_status": Status.AWAITING_SIGN, "reason": ""}, **HX
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    plain = client.post(
        act_url(order, "return"), {"expected_status": Status.AWAITING_SIGN, "reason": ""}
    )
    assert plain.status_code == 200 and "errorlist" in plain.content.decode()
    order.refresh_from_db()
    assert order.status == Status.AWAITING_SIGN and order.events.count() == events_before


def test_two_dispatchers_at_once_the_second_is_told_what_happened(world, client):
    order = world.place()
    seen = {
        "expected_status": Status.AWAITING_DISPATCH,
        "tier": Tier.PROPERTY,
        "handler": world.property_manager.pk,
    }
    client.force_login(world.dispatcher)
    assert client.post(act_url(order, "dispatch"), seen, **HX).status_code == 200
    client.force_login(world.street_official)
    response = client.post(
        act_url(order, "dispatch"), seen | {"handler": world.property_manager.pk}, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="action-error"' in html
    assert "无法派单：该工单现在是「待签收」。dispatcher 已于" in html and "派单。" in html
    assert OrderEvent.objects.filter(order=order, action=Action.DISPATCH).count() == 1


def test_stale_escalate_after_a_sign_is_refused_with_a_plain_message(world, client):
    order = dispatched(world)
    services.order_sign(order_id=order.pk, actor=world.property_manager)
    client.force_login(world.dispatcher)
    response = client.post(
        act_url(order, "escalate"),
        {"expected_status": Status.AWAITING_SIGN, "reason": "超时未签收"},
        follow=True,
    )
    html = response.content.decode()
    assert "无法升级：该工单现在是「办理中」。pm 已于" in html and "签收。" in html
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS and order.escalation_count == 0


def test_full_round_through_the_views(world, client):
    order = world.place()
    client.force_login(world.dispatcher)
    client.post(
        act_url(order, "dispatch"),
        {"expected_status": "awaiting_dispatch", "tier": 1, "handler": world.property_manager.pk},
    )
    client.force_login(world.property_manager)
    client.post(act_url(order, "sign"), {"expected_status": "awaiting_sign"})
    client.post(
        act_url(order, "request_extension"),
        {"expected_status": "in_progress", "until": "2099-01-31", "reason": "等待配件"},
    )
    client.force_login(world.dispatcher)
    client.post(
        act_url(order, "approve_extension"), {"expected_status": "extension_requested", "note": ""}
    )
    client.force_login(world.property_manager)
    client.post(act_url(order, "note"), {"expected_status": "in_progress", "note": "已联系厂家"})
    response = client.post(
        act_url(order, "resolve"),
        {"expected_status": "in_progress", "result_note": "已更换灯泡", "photos": [png("a.png")]},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.AWAITING_RATING and order.resolve_due_at.year == 2099
    assert OrderPhoto.objects.filter(order=order, kind="result").count() == 1
    assert list(
        order.events.exclude(action=Action.DUE_CHANGED).values_list("action", flat=True)
    ) == [
        "place",
        "dispatch",
        "sign",
        "request_extension",
        "approve_extension",
        "note",
        "resolve",
    ]


def test_refuse_extension_and_escalate(world, client):
    order = extension_requested(world)
    client.force_login(world.dispatcher)
    client.post(
        act_url(order, "refuse_extension"),
        {"expected_status": "extension_requested", "note": "请按期办结"},
    )
    client.post(
        act_url(order, "escalate"), {"expected_status": "in_progress", "reason": "物业处理不了"}
    )
    order.refresh_from_db()
    assert (order.status, order.tier, order.handler_user) == (
        Status.AWAITING_SIGN,
        Tier.GRID,
        world.grid_leader,
    )


def test_cancel_as_duplicate_and_as_invalid(world, client):
    original, duplicate, junk = world.place(), world.place(), world.place()
    client.force_login(world.dispatcher)
    response = client.post(
        act_url(duplicate, "cancel"),
        {"expected_status": "awaiting_dispatch", "reason": "duplicate", "original": ""},
        **HX,
    )
    assert "请填写与之重复的原工单编号" in response.content.decode()
    client.post(
        act_url(duplicate, "cancel"),
        {
            "expected_status": "awaiting_dispatch",
            "reason": "duplicate",
            "original": original.reference,
        },
    )
    client.post(
        act_url(junk, "cancel"),
        {"expected_status": "awaiting_dispatch", "reason": "invalid", "note": "测试数据"},
    )
    duplicate.refresh_from_db()
    junk.refresh_from_db()
    assert duplicate.status == junk.status == Status.CANCELLED
    assert duplicate.duplicate_of == original


def test_handler_return_leaves_their_sight_and_htmx_goes_to_the_inbox(world, client):
    order = dispatched(world, area=world.microgrid)
    client.force_login(world.unit_liaison)  # sees the community; not the handler
    services.order_return(order_id=order.pk, actor=world.property_manager, reason="x")
    order = services.order_dispatch(
        order_id=order.pk, actor=world.dispatcher, tier=Tier.MEMBER_UNIT, handler_unit=world.unit
    )
    response = client.post(
        act_url(order, "return"),
        {"expected_status": "awaiting_sign", "reason": "不是本单位职责"},
        **HX,
    )
    assert response.status_code in (200, 204)
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH and order.queue_reason == QueueReason.RETURNED


# --- query counts -----------------------------------------------------------------------------


def _detail_queries(client, order) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(detail_url(order)).status_code == 200
    return len(ctx.captured_queries)


def test_detail_query_count_does_not_grow_with_events(world, client):
    client.force_login(world.dispatcher)
    one = world.place()
    ten = world.place(photos=[png(), png()])
    for i in range(9):
        services.order_add_note(order_id=ten.pk, actor=world.dispatcher, note=f"第{i}次回访")
    assert one.events.count() == 1 and ten.events.count() == 10
    assert _detail_queries(client, one) == _detail_queries(client, ten)
    # session, user, posts, order, events, photos, handler candidates (posts), their posts
    # with each one's open orders (one query, orders.selectors.candidates), community,
    # counts aggregate, the street's departments to whistle to (issue 12)
    assert _detail_queries(client, ten) == 10


def test_the_timeline_folds_the_due_changes_of_a_move_into_its_row(world, client):
    order = dispatched(world)
    client.force_login(world.dispatcher)
    html = client.get(detail_url(order)).content.decode()
    timeline = html.split('class="timeline"')[1]
    assert 'data-action="due_changed"' not in timeline
    dispatch_row = timeline.split('data-action="dispatch"')[1].split("</li>")[0]
    order.refresh_from_db()
    due = timezone.localtime(order.sign_due_at)
    assert f"签收时限 → {due:%m-%d %H:%M}" in dispatch_row and "办结时限 →" in dispatch_row
