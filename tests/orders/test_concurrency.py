"""Two staff act on one order at the same moment, on two real PostgreSQL connections:
the row lock plus ``expected_status`` leave exactly one winner and one event.

The world re-seeds the category catalogue itself (``build_world``), so these transactional
tests need no ``serialized_rollback``: restoring the serialized database after another
transactional test's flush re-inserted content types that post_migrate had already made
(a duplicate-key error depending on test order)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from orders import services
from orders.errors import OrderError
from orders.lifecycle import Action, Status, Tier
from orders.models import OrderEvent

from .staff_helpers import dispatched, signed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections with row locks: run with DATABASE_URL=postgres://…")


def race(*calls) -> list:
    """Run each call in its own thread (own connection), released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except OrderError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_dispatchers_dispatch_at_once(world):
    order = world.place()
    results = race(
        lambda: services.order_dispatch(
            order_id=order.pk,
            actor=world.dispatcher,
            tier=Tier.PROPERTY,
            handler_user=world.property_manager,
            expected_status=Status.AWAITING_DISPATCH,
        ),
        lambda: services.order_dispatch(
            order_id=order.pk,
            actor=world.street_official,
            tier=Tier.GRID,
            handler_user=world.grid_leader,
            expected_status=Status.AWAITING_DISPATCH,
        ),
    )
    errors = [r for r in results if isinstance(r, OrderError)]
    assert len(errors) == 1 and len([r for r in results if not isinstance(r, OrderError)]) == 1
    assert errors[0].code == "illegal_move"
    assert "无法派单：该工单现在是「待签收」。" in errors[0].message and "已于" in errors[0].message
    assert OrderEvent.objects.filter(order=order, action=Action.DISPATCH).count() == 1


def test_escalate_and_resolve_at_once(world):
    order = signed(world)
    results = race(
        lambda: services.order_escalate(
            order_id=order.pk,
            actor=world.dispatcher,
            reason="逾期未办结",
            expected_status=Status.IN_PROGRESS,
        ),
        lambda: services.order_resolve(
            order_id=order.pk,
            actor=world.property_manager,
            result_note="已修好",
            expected_status=Status.IN_PROGRESS,
        ),
    )
    errors = [r for r in results if isinstance(r, OrderError)]
    assert len(errors) == 1 and errors[0].code == "illegal_move"
    assert "该工单现在是" in errors[0].message and "已于" in errors[0].message
    moved = OrderEvent.objects.filter(order=order, action__in=[Action.ESCALATE, Action.RESOLVE])
    assert moved.count() == 1


def test_two_escalations_at_once_have_one_winner(world):
    order = dispatched(world)
    seen = services.order_version(order_id=order.pk)
    results = race(
        lambda: services.order_escalate(
            order_id=order.pk,
            actor=world.dispatcher,
            reason="超时未签收",
            expected_status=Status.AWAITING_SIGN,
            expected_version=seen,
        ),
        lambda: services.order_escalate(
            order_id=order.pk,
            actor=world.street_official,
            reason="督办升级",
            expected_status=Status.AWAITING_SIGN,
            expected_version=seen,
        ),
    )
    assert len([r for r in results if isinstance(r, OrderError)]) == 1
    assert OrderEvent.objects.filter(order=order, action=Action.ESCALATE).count() == 1
