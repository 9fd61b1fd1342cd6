"""Order.community and Order.street: set by the writer, kept when an area moves (issue 8)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from grids.models import AreaLevel
from grids.services import area_create, area_update
from orders.authority import order_area_q
from orders.models import Order
from orders.selectors import board_counts, orders_for_user


def test_placing_records_the_community_and_street(world):
    order = world.place()
    other = world.place(area=world.other_microgrid)

    assert (order.community_id, order.street_id) == (world.community.pk, world.street.pk)
    assert (other.community_id, other.street_id) == (world.other_community.pk, world.street.pk)


def test_moving_a_grid_to_another_community_moves_its_orders_scope(world):
    order = world.place()
    area_update(area=world.grid, code="LX02-G09", name="第9网格", parent=world.other_community)

    order.refresh_from_db()
    assert order.community_id == world.other_community.pk
    assert board_counts(community=world.community)["all"] == 0
    assert board_counts(community=world.other_community)["all"] == 1
    assert order in orders_for_user(user=world.other_dispatcher)
    assert order not in orders_for_user(user=world.dispatcher)


def test_moving_a_community_to_another_street_moves_its_orders_street(world):
    order = world.place()
    other_street = area_create(code="HX", name="河西街道", level=AreaLevel.STREET, parent=None)
    area_update(area=world.community, code="HX01", name="东湖社区", parent=other_street)

    order.refresh_from_db()
    assert (order.community_id, order.street_id) == (world.community.pk, other_street.pk)
    assert order not in orders_for_user(user=world.street_official)


def test_renaming_an_area_touches_no_order(world, django_assert_max_num_queries):
    world.place()
    before = list(Order.objects.values_list("pk", "community_id", "street_id", "updated_at"))
    area_update(area=world.grid, code="LX01-G01", name="改名网格", parent=world.community)
    assert (
        list(Order.objects.values_list("pk", "community_id", "street_id", "updated_at")) == before
    )


def test_area_scope_uses_the_ids_for_street_and_community_posts(world):
    placed = world.place()
    world.place(area=world.other_microgrid)

    assert list(Order.objects.filter(order_area_q(world.dispatcher))) == [placed]
    assert Order.objects.filter(order_area_q(world.street_official)).count() == 2
    assert Order.objects.filter(order_area_q(world.property_manager)).count() == 1
    assert not Order.objects.filter(order_area_q(AnonymousUser())).exists()
