"""Races on two real PostgreSQL connections: two members claim one wish (one wins); two
redemptions at once never take the balance below zero."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from core.errors import DomainError
from parties import points
from parties.models import MicroWishEvent, PointKind
from parties.wishes.lifecycle import WishAction, WishStatus
from tests.orders.conftest import build_world
from tests.parties.helpers import verified_member, wish_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections with row locks: run with DATABASE_URL=postgres://…")


def race(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except DomainError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_members_claim_one_wish():
    from parties.wishes import services as wishes

    world = build_world()
    first = verified_member(world, phone="13500135001")
    second = verified_member(world, phone="13500135002", name="周建国")
    wish = wish_in(world, first, WishStatus.OPEN)
    results = race(
        lambda: wishes.wish_claim(wish_id=wish.pk, actor=first.user),
        lambda: wishes.wish_claim(wish_id=wish.pk, actor=second.user),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "bad_move"
    assert MicroWishEvent.objects.filter(wish=wish, action=WishAction.CLAIM).count() == 1


def test_two_redemptions_at_once_never_go_below_zero():
    world = build_world()
    member = verified_member(world)
    points.points_award(member=member, kind=PointKind.WISH, source="wish:1", points=10)
    results = race(
        lambda: points.points_redeem(
            member_id=member.pk, actor=world.dispatcher, points=8, item="米"
        ),
        lambda: points.points_redeem(
            member_id=member.pk, actor=world.dispatcher, points=8, item="油"
        ),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "short"
    assert points.points_balance(member=member) == 2


def test_two_members_claim_one_pool_order():
    """党员接单: two members claim the same pool order at once — one wins, the other is
    told who claimed it; one claim event, one handler."""
    from orders import services
    from orders.lifecycle import Action, Status
    from orders.models import Order, OrderEvent

    world = build_world()
    first = verified_member(world, phone="13500135001")
    second = verified_member(world, phone="13500135002", name="周建国")
    order = world.place()
    services.order_to_pool(order_id=order.pk, actor=world.dispatcher)
    seen = services.order_version(order_id=order.pk)
    results = race(
        lambda: services.order_claim(
            order_id=order.pk,
            actor=first.user,
            expected_status=Status.IN_POOL,
            expected_version=seen,
        ),
        lambda: services.order_claim(
            order_id=order.pk,
            actor=second.user,
            expected_status=Status.IN_POOL,
            expected_version=seen,
        ),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "illegal_move"
    order = Order.objects.get(pk=order.pk)
    winner = first if order.pool_member_id == first.pk else second
    assert order.status == Status.IN_PROGRESS and order.handler_user_id == winner.user_id
    assert winner.name in errors[0].message and "认领接单" in errors[0].message
    assert OrderEvent.objects.filter(order=order, action=Action.CLAIM).count() == 1
