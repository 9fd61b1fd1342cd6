"""Repeated requests: flagged at placement, shown at intake and on the board, merged into
the original (both residents informed) or kept apart (issue 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from orders import repeats, services
from orders.errors import OrderError
from orders.lifecycle import Action, Status, Tier
from orders.models import CancelReason, Category, Order, OutboxMessage

from .staff_helpers import act_url, board_refs


def _age(order: Order, days: int) -> None:
    Order.objects.filter(pk=order.pk).update(placed_at=clock.now() - timedelta(days=days))


def test_same_phone_within_30_days_is_flagged(world):
    first = world.place(description="水管漏水")
    other_category = Category.objects.exclude(pk=world.category.pk).first()
    second = world.place(description="又来反映", category=other_category, area=world.grid)
    assert second.repeat_of == first
    assert first.repeat_of is None


def test_same_place_and_category_within_7_days_is_flagged(world):
    first = world.place(resident_phone="13900001111")
    second = world.place(resident_phone="13900002222")
    assert second.repeat_of == first
    # Another category at the same place is a different matter
    other_category = Category.objects.exclude(pk=world.category.pk).first()
    assert world.place(resident_phone="13900003333", category=other_category).repeat_of is None


def test_old_closed_and_other_community_orders_are_not_repeats(world):
    old = world.place(resident_phone="13900001111")
    _age(old, 31)
    assert world.place(resident_phone="13900001111", area=world.grid).repeat_of is None
    week_old = world.place(resident_phone="13900004444")
    _age(week_old, 8)
    Order.objects.exclude(pk=week_old.pk).update(status=Status.CANCELLED)
    assert world.place(resident_phone="13900005555").repeat_of is None
    Order.objects.update(status=Status.CANCELLED)
    world.place(resident_phone="13900006666")
    assert world.place(resident_phone="13900006666", area=world.other_microgrid).repeat_of is None


def test_detection_is_at_most_two_indexed_reads(world, django_assert_max_num_queries):
    world.place()
    with django_assert_max_num_queries(2):
        found = repeats.probable_original(
            community_id=world.community.pk,
            area_id=world.microgrid.pk,
            category_id=world.category.pk,
            resident_phone="13800138000",
            now=clock.now(),
        )
    assert found is not None


def test_intake_warns_and_the_detail_links_the_original(world, client):
    first = world.place()
    client.force_login(world.dispatcher)
    second = world.place(placed_by=world.dispatcher, channel="hotline")
    html = client.get(f"/staff/orders/{second.pk}/").content.decode()
    assert f'data-repeat-of="{first.pk}"' in html
    assert f'href="/staff/orders/{first.pk}/"' in html and "同一电话 30 天内" in html


def test_intake_message_names_the_original(world, client):
    first = world.place()
    client.force_login(world.dispatcher)
    response = client.post(
        "/staff/intake/",
        {
            "channel": "hotline",
            "category": world.category.pk,
            "area_code": world.microgrid.code,
            "description": "楼道灯还是不亮",
            "resident_phone": "13800138000",
            "nature": "help",
            "urgency": "normal",
        },
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "可能与 %s 重复" % first.reference in html


def test_board_flags_the_repeat_without_an_extra_query(world, client):
    first = world.place()
    second = world.place()
    client.force_login(world.dispatcher)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/staff/board/").content.decode()
    assert len(ctx.captured_queries) == 7
    row = html.split(f'<tr data-order="{second.pk}"')[1].split("</tr>")[0]
    assert "疑似重复 " + first.reference in row
    first_row = html.split(f'<tr data-order="{first.pk}"')[1].split("</tr>")[0]
    assert "疑似重复" not in first_row


def test_merge_ends_the_repeat_and_keeps_both_residents_informed(world, client):
    first = world.place(resident_phone="13900001111")
    second = world.place(resident_phone="13900002222")
    client.force_login(world.dispatcher)
    response = client.post(
        act_url(second, "merge"),
        {"expected_status": "awaiting_dispatch", "original": first.reference, "note": "同一盏灯"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.CANCELLED
    assert second.cancel_reason == CancelReason.MERGED and second.duplicate_of == first
    assert second.repeat_of is None
    assert list(second.events.values_list("action", flat=True)) == [Action.PLACE, Action.MERGE]
    assert first.events.filter(action=Action.MERGED_IN).count() == 1
    told = OutboxMessage.objects.filter(template="order_merged")
    assert [m.recipient for m in told] == ["13900002222"]
    # The merged resident follows the original on their own tracking page
    services.order_dispatch(
        order_id=first.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    services.order_sign(order_id=first.pk, actor=world.property_manager)
    page = client.get(f"/t/{second.tracking_token}/").content.decode()
    assert 'id="merged-progress"' in page and "预计" in page
    assert "13900001111" not in page
    services.order_resolve(order_id=first.pk, actor=world.property_manager, result_note="换了新灯")
    resolved = OutboxMessage.objects.filter(template="merged_resolved")
    assert [m.recipient for m in resolved] == ["13900002222"]
    page = client.get(f"/t/{second.tracking_token}/").content.decode()
    assert "换了新灯" in page


def test_keep_both_clears_the_flag_and_records_the_decision(world, client):
    first = world.place()
    second = world.place()
    client.force_login(world.dispatcher)
    response = client.post(
        act_url(second, "keep_both"), {"expected_status": "awaiting_dispatch", "note": "两处不同"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.repeat_of is None and second.status == Status.AWAITING_DISPATCH
    kept = second.events.get(action=Action.KEEP_BOTH)
    assert kept.data == {"repeat_of": first.reference}
    with pytest.raises(OrderError) as refused:
        services.order_keep_both(order_id=second.pk, actor=world.dispatcher)
    assert refused.value.code == "not_flagged"


def test_merge_refusals_change_nothing(world, client):
    first = world.place()
    second = world.place()
    elsewhere = world.place(area=world.other_microgrid)
    # not into itself, not into a closed order, not outside the dispatcher's scope
    with pytest.raises(OrderError):
        services.order_merge(order_id=second.pk, actor=world.dispatcher, into=second)
    with pytest.raises(OrderError) as refused:
        services.order_merge(order_id=second.pk, actor=world.dispatcher, into=elsewhere)
    assert refused.value.code == "forbidden"
    with pytest.raises(OrderError):
        services.order_merge(order_id=second.pk, actor=world.property_manager, into=first)
    services.order_cancel(
        order_id=first.pk, actor=world.dispatcher, reason=CancelReason.INVALID, note="测试"
    )
    first.refresh_from_db()
    with pytest.raises(OrderError) as refused:
        services.order_merge(order_id=second.pk, actor=world.dispatcher, into=first)
    assert refused.value.code == "original_closed"
    second.refresh_from_db()
    assert second.status == Status.AWAITING_DISPATCH and second.events.count() == 1
    # a typed reference that does not exist: the form says so, nothing changes
    client.force_login(world.dispatcher)
    for original in ("", "LX-00000000-0000", "x" * 40, "' or 1=1"):
        response = client.post(
            act_url(second, "merge"), {"expected_status": "awaiting_dispatch", "original": original}
        )
        assert response.status_code in (200, 302)
    second.refresh_from_db()
    assert second.status == Status.AWAITING_DISPATCH


def test_a_merged_order_leaves_the_board_queue(world, client):
    first = world.place()
    second = world.place()
    services.order_merge(order_id=second.pk, actor=world.dispatcher, into=first)
    client.force_login(world.dispatcher)
    assert board_refs(client.get("/staff/board/").content.decode()) == [first.reference]
