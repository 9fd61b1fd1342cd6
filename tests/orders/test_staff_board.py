"""The dispatch board: queues, filters, search, pagination, counts, scope, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import services
from orders.lifecycle import QueueReason, Status
from orders.models import Channel, Order
from orders.selectors import board_counts

from .staff_helpers import HX, board_refs, dispatched

BOARD = "/staff/board/"


def rows(response) -> int:
    return response.content.decode().count('<tr data-order="')


def test_board_plain_get_is_a_whole_page_with_counts(world, client):
    world.place()
    client.force_login(world.dispatcher)
    response = client.get(BOARD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'id="queue-counts"' in html and 'id="board-rows"' in html
    assert "hx-swap-oob" not in html
    assert rows(response) == 1


def test_board_htmx_gets_the_rows_and_the_counts_out_of_band(world, client):
    world.place()
    client.force_login(world.dispatcher)
    response = client.get(BOARD, {"queue": "new"}, **HX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="board-rows"' in html
    assert 'id="queue-counts" class="queue-tabs" aria-label="派单队列" hx-swap-oob="true"' in html
    assert 'data-count="new">1<' in html


def test_queues_split_the_dispatch_queue_by_reason(world, client):
    new = world.place()
    returned = dispatched(world)
    services.order_return(order_id=returned.pk, actor=world.property_manager, reason="不属于物业")
    in_sign = dispatched(world)
    client.force_login(world.dispatcher)
    assert board_counts(community=world.community) == {
        "new": 1,
        "returned": 1,
        "escalated": 0,
        "redo": 0,
        "open": 3,
        "all": 3,
        "overdue": 0,
    }
    new_page = board_refs(client.get(BOARD, {"queue": QueueReason.NEW}).content.decode())
    assert new.reference in new_page and returned.reference not in new_page
    returned_page = board_refs(client.get(BOARD, {"queue": QueueReason.RETURNED}).content.decode())
    assert returned.reference in returned_page and new.reference not in returned_page
    open_page = board_refs(client.get(BOARD, {"queue": "open"}).content.decode())
    assert all(o.reference in open_page for o in (new, returned, in_sign))


def test_filters_and_search(world, client):
    hotline = world.place(
        channel=Channel.HOTLINE, resident_phone="13911112222", description="小区门口路灯不亮了"
    )
    qr = world.place(description="楼上漏水到我家厨房")
    client.force_login(world.dispatcher)

    def refs(**params):
        listed = board_refs(client.get(BOARD, {"queue": "all", **params}).content.decode())
        return {o.reference for o in (hotline, qr) if o.reference in listed}

    assert refs(channel=Channel.HOTLINE) == {hotline.reference}
    assert refs(q="13911112222") == {hotline.reference}
    assert refs(q="漏水") == {qr.reference}
    assert refs(q=qr.reference) == {qr.reference}
    assert refs(status=Status.AWAITING_DISPATCH, grid=world.grid.code) == {
        hotline.reference,
        qr.reference,
    }
    assert refs(overdue="on") == set()
    assert refs(tier="2") == set()


def test_pagination_is_25_per_page(world, client):
    for _ in range(27):
        world.place()
    client.force_login(world.dispatcher)
    assert rows(client.get(BOARD)) == 25
    second = client.get(BOARD, {"page": 2}, **HX)
    assert rows(second) == 2


def test_other_community_orders_never_show(world, client):
    other = world.place(area=world.other_microgrid)
    client.force_login(world.dispatcher)
    html = client.get(
        BOARD, {"queue": "all", "community": world.other_community.code}
    ).content.decode()
    assert other.reference not in html  # the unknown community falls back to the user's own


def test_street_official_picks_any_community_of_the_street(world, client):
    other = world.place(area=world.other_microgrid)
    client.force_login(world.street_official)
    html = client.get(BOARD, {"community": world.other_community.code}).content.decode()
    assert other.reference in html
    assert 'name="community"' in html and world.community.name in html


@pytest.mark.parametrize("who", ["property_manager", "grid_leader", "unit_liaison"])
def test_board_is_not_found_for_handlers(world, client, who):
    client.force_login(getattr(world, who))
    assert client.get(BOARD).status_code == 404


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(BOARD, {"queue": "all"})
    assert response.status_code == 200
    return len(ctx.captured_queries), rows(response)


def test_board_query_count_does_not_grow_with_rows(world, client):
    client.force_login(world.dispatcher)
    for _ in range(5):
        dispatched(world)
    five, n5 = _board_queries(client)
    for _ in range(25):
        dispatched(world)
    twenty_five, n25 = _board_queries(client)
    assert (n5, n25) == (5, 25)
    assert five == twenty_five
    # session, user, posts, communities with their grids, categories (filter select),
    # counts (one grouped query, which also gives the tab's row count), rows page
    assert twenty_five == 7


def test_filtered_board_stays_within_eight_queries(world, client):
    client.force_login(world.dispatcher)
    for _ in range(30):
        dispatched(world)
    category = Order.objects.first().category_id
    for params in ({"queue": "open", "category": category}, {"queue": "all", "q": "灯"}):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(BOARD, {**params, "page": 2})
        assert response.status_code == 200
        assert len(ctx.captured_queries) <= 8, [q["sql"][:80] for q in ctx.captured_queries]


def test_counts_are_one_aggregate_query(world, django_assert_num_queries):
    world.place()
    with django_assert_num_queries(1):
        counts = board_counts(community=world.community)
    assert counts["new"] == 1 and Order.objects.count() == 1


def test_dispatch_overdue_and_escalated_past_resolution_show_as_overdue(world, client):
    from datetime import timedelta

    from core import clock

    # Given a 特急 order nobody dispatched for an hour, and an order escalated back into
    # the dispatch queue whose resolution limit has passed
    late = world.place(urgency="emergency")
    escalated = world.place()
    past = clock.now() - timedelta(hours=1)
    Order.objects.filter(pk=late.pk).update(dispatch_due_at=past)
    Order.objects.filter(pk=escalated.pk).update(
        queue_reason=QueueReason.ESCALATED, resolve_due_at=past, dispatch_due_at=None
    )
    fresh = world.place()
    # Then both count as overdue, in their queues and on the 超期 tab
    counts = board_counts(community=world.community)
    assert counts["overdue"] == 2
    client.force_login(world.dispatcher)
    for queue, order in (("new", late), ("escalated", escalated)):
        html = client.get(BOARD, {"queue": queue}).content.decode()
        row = html.split(f'<tr data-order="{order.pk}"')[1].split("</tr>")[0]
        assert "已超期" in row, queue
    html = client.get(BOARD, {"queue": "open", "overdue": "on"}).content.decode()
    assert late.reference in html and escalated.reference in html
    assert fresh.reference not in html
    new_html = client.get(BOARD, {"queue": "new"}).content.decode()
    fresh_row = new_html.split(f'<tr data-order="{fresh.pk}"')[1].split("</tr>")[0]
    assert "剩余" in fresh_row and "已超期" not in fresh_row
