"""The board's order (overdue, urgency, age; sortable columns), the dispatch candidates'
post and load, and bulk dispatch (issue 10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from grids.models import Post, PostRole
from orders import services
from orders.lifecycle import Action, Status, Tier
from orders.models import Order, OrderEvent
from orders.selectors.candidates import community_candidates, dispatch_candidates

from .staff_helpers import board_refs, dispatched

BOARD = "/staff/board/"
BULK = "/staff/board/dispatch/"


def _overdue(order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(dispatch_due_at=clock.now() - timedelta(minutes=5))


# --- sort ---------------------------------------------------------------------------------


def test_default_order_is_overdue_first_then_urgency_then_age(world, client):
    # Given, oldest first: a normal order, an urgent one, a 特急 one, and a normal order
    # that is past its dispatch limit
    normal = world.place()
    urgent = world.place(urgency="urgent")
    emergency = world.place(urgency="emergency")
    late = world.place()
    _overdue(late)
    newest_emergency = world.place(urgency="emergency")
    client.force_login(world.dispatcher)
    refs = board_refs(client.get(BOARD).content.decode())
    assert refs == [
        late.reference,
        emergency.reference,
        newest_emergency.reference,
        urgent.reference,
        normal.reference,
    ]


def test_columns_sort_both_ways_and_unknown_keys_fall_back(world, client):
    first = world.place(urgency="emergency")
    second = world.place()
    client.force_login(world.dispatcher)
    assert board_refs(client.get(BOARD, {"sort": "placed"}).content.decode()) == [
        first.reference,
        second.reference,
    ]
    html = client.get(BOARD, {"sort": "-placed"}).content.decode()
    assert board_refs(html) == [second.reference, first.reference]
    assert 'aria-sort="descending"' in html
    for hostile in ("password", "-", "placed_at; drop table", "x" * 500, "__class__"):
        response = client.get(BOARD, {"sort": hostile})
        assert response.status_code == 200
        assert board_refs(response.content.decode()) == [first.reference, second.reference]


@pytest.mark.parametrize("sort", ["reference", "-category", "urgency", "status", "due", "-due"])
def test_every_sort_answers_in_the_same_number_of_queries(world, client, sort):
    for _ in range(3):
        dispatched(world)
    world.place()
    client.force_login(world.dispatcher)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(BOARD, {"queue": "all", "sort": sort})
    assert response.status_code == 200
    assert len(board_refs(response.content.decode())) == 4
    # session, user, posts, places, categories, counts, rows (the tab's count is reused)
    assert len(ctx.captured_queries) == 7


def test_due_sort_puts_the_nearest_limit_first(world, client):
    later = world.place()
    sooner = world.place()
    Order.objects.filter(pk=sooner.pk).update(dispatch_due_at=clock.now() + timedelta(minutes=1))
    client.force_login(world.dispatcher)
    refs = board_refs(client.get(BOARD, {"sort": "due"}).content.decode())
    assert refs == [sooner.reference, later.reference]


# --- candidates ---------------------------------------------------------------------------


def test_candidates_show_post_and_open_load_in_two_queries(world, django_assert_num_queries):
    world.property_manager.last_name, world.property_manager.first_name = "赵", "海涛"
    world.property_manager.save()
    other = User.objects.create_user(username="pm2", first_name="超", last_name="吴")
    Post.objects.create(user=other, role=PostRole.PROPERTY_MANAGER, area=world.compound)
    for _ in range(3):
        dispatched(world)
    order = world.place()
    candidates = services.handler_candidates(order=order, tier=Tier.PROPERTY)
    with django_assert_num_queries(1):
        rows = dispatch_candidates(candidates=candidates, tier=Tier.PROPERTY)
    labels = {row.handler.pk: row.label for row in rows}
    assert labels[world.property_manager.pk] == "赵海涛 · 物业（桂花苑） · 在办 3 件"
    assert labels[other.pk] == "吴超 · 物业（桂花苑） · 在办 0 件"
    units = services.handler_candidates(order=order, tier=Tier.MEMBER_UNIT)
    with django_assert_num_queries(1):
        (unit_row,) = dispatch_candidates(candidates=units, tier=Tier.MEMBER_UNIT)
    assert unit_row.label.startswith("区城管局 · 成员单位") and unit_row.load == 0


def test_the_detail_dispatch_form_shows_the_load(world, client):
    for _ in range(2):
        dispatched(world)
    order = world.place()
    client.force_login(world.dispatcher)
    html = client.get(f"/staff/orders/{order.pk}/").content.decode()
    assert "物业（桂花苑） · 在办 2 件" in html


def test_community_candidates_cover_every_tier_in_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = community_candidates(community=world.community)
    by_tier = {(row.tier, row.handler.pk) for row in rows}
    assert (Tier.PROPERTY, world.property_manager.pk) in by_tier
    assert (Tier.GRID, world.grid_leader.pk) in by_tier
    assert (Tier.MEMBER_UNIT, world.unit.pk) in by_tier
    assert (Tier.STREET, world.street_official.pk) in by_tier
    assert all(row.handler.pk != world.other_property_manager.pk for row in rows)


# --- bulk dispatch ------------------------------------------------------------------------


def test_bulk_dispatch_writes_one_event_per_order(world, client):
    orders = [world.place() for _ in range(3)]
    client.force_login(world.dispatcher)
    page = client.get(BULK, {"community": world.community.code, "orders": [o.pk for o in orders]})
    assert page.status_code == 200
    html = page.content.decode()
    key = f"{Tier.PROPERTY}:u:{world.property_manager.pk}"
    assert f'value="{key}"' in html and "在办 0 件" in html
    response = client.post(
        BULK,
        {
            "community": world.community.code,
            "orders": [o.pk for o in orders],
            "handler": key,
            "note": "一起处理",
        },
    )
    assert response.status_code == 302
    for order in orders:
        order.refresh_from_db()
        assert order.status == Status.AWAITING_SIGN
        assert order.handler_user == world.property_manager
        assert order.events.filter(action=Action.DISPATCH).count() == 1


def test_bulk_dispatch_is_all_or_nothing_and_names_the_refused_order(world, client):
    good = world.place()
    elsewhere = world.place(area=world.grid)  # no compound: the property manager cannot take it
    taken = dispatched(world)  # no longer waiting: left out of the page, not refused
    client.force_login(world.dispatcher)
    key = f"{Tier.PROPERTY}:u:{world.property_manager.pk}"
    before = OrderEvent.objects.count()
    response = client.post(
        BULK,
        {
            "community": world.community.code,
            "orders": [good.pk, elsewhere.pk, taken.pk],
            "handler": key,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert elsewhere.reference in html and "没有派出任何工单" in html
    refused_row = html.split(f'<tr data-order="{elsewhere.pk}"')[1].split("</tr>")[0]
    assert "data-refused" in refused_row
    good_row = html.split(f'<tr data-order="{good.pk}"')[1].split("</tr>")[0]
    assert "data-refused" not in good_row
    assert OrderEvent.objects.count() == before
    good.refresh_from_db()
    assert good.status == Status.AWAITING_DISPATCH


def test_bulk_dispatch_bad_input_changes_nothing(world, client):
    order = world.place()
    client.force_login(world.dispatcher)
    base = {"community": world.community.code, "orders": [order.pk]}
    for handler in ("", "9:u:1", "1:u:999999", "nonsense", "3:m:abc"):
        response = client.post(BULK, {**base, "handler": handler})
        assert response.status_code == 200, handler
        assert "请选择承办人或承办单位" in response.content.decode()
    for orders in ([], ["abc"], ["99999999999999999999"], [str(order.pk) + "x"]):
        response = client.post(BULK, {"community": world.community.code, "orders": orders})
        assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH


def test_bulk_dispatch_stays_in_the_dispatchers_community(world, client):
    mine = world.place()
    theirs = world.place(area=world.other_microgrid)
    client.force_login(world.dispatcher)
    response = client.get(BULK, {"orders": [mine.pk, theirs.pk]})
    html = response.content.decode()
    assert mine.reference in html and theirs.reference not in html
    client.force_login(world.property_manager)
    assert client.get(BULK, {"orders": [mine.pk]}).status_code == 404


def test_bulk_page_query_count_does_not_grow_with_orders(world, client):
    client.force_login(world.dispatcher)

    def count(n: int) -> int:
        ids = [world.place().pk for _ in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(BULK, {"community": world.community.code, "orders": ids})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    # session, user, posts, communities, orders, candidate posts with their loads, member
    # units with theirs
    assert count(2) == count(8) == 7


def test_board_offers_the_checkboxes_only_for_orders_waiting_for_dispatch(world, client):
    waiting = world.place()
    sent = dispatched(world)
    client.force_login(world.dispatcher)
    html = client.get(BOARD, {"queue": "all"}).content.decode()
    assert f'name="orders" value="{waiting.pk}" form="bulk-pick"' in html
    assert f'name="orders" value="{sent.pk}"' not in html
    assert 'id="bulk-pick"' in html
