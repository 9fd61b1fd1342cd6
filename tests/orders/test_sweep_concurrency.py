"""Exactly once under concurrency (PostgreSQL): two sweeps at the same moment on the same
due orders, and a delivery task redelivered while the first is still sending."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection

from core import clock, outbox
from core.senders import FakeSmsSender
from orders import services
from orders.lifecycle import Action, Status, Tier
from orders.models import Order, OrderEvent, OutboxMessage, OutboxStatus
from orders.sweep import run_sweep
from tests.orders.conftest import build_world
from tests.orders.test_sweep_rules import T0

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL (set DATABASE_URL)")


def run_in_threads(n: int, target) -> list:
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def worker(i):
        try:
            barrier.wait(timeout=10)
            results[i] = target(i)
        except BaseException as exc:  # surfaced to the test below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_two_concurrent_sweeps_escalate_and_chase_each_order_exactly_once():
    world = build_world()
    with clock.travel_to(T0):
        ids = []
        for _i in range(40):
            order = world.place()
            services.order_dispatch(
                order_id=order.pk,
                actor=world.dispatcher,
                tier=Tier.PROPERTY,
                handler_user=world.property_manager,
            )
            ids.append(order.pk)
        for pk in ids[:20]:
            services.order_sign(order_id=pk, actor=world.property_manager)
    signed, unsigned = ids[:20], ids[20:]
    # Late enough for the sign-for of the unsigned ones and the chase of the signed ones.
    moment = max(Order.objects.filter(pk__in=signed).values_list("chase_due_at", flat=True))
    moment = max(
        moment, max(Order.objects.filter(pk__in=unsigned).values_list("sign_due_at", flat=True))
    )

    with clock.travel_to(moment):
        reports = run_in_threads(2, lambda i: run_sweep(now=moment, batch_size=7))

    assert sum(r.acted["sign_overdue"] for r in reports) == 20
    for pk in unsigned:
        assert OrderEvent.objects.filter(order_id=pk, action=Action.ESCALATE).count() == 1
        assert OrderEvent.objects.filter(order_id=pk, action=Action.OVERDUE).count() == 1
        assert OutboxMessage.objects.filter(order_id=pk, template="sign_overdue").count() == 1
    assert (
        Order.objects.filter(pk__in=unsigned, tier=Tier.GRID, status=Status.AWAITING_SIGN).count()
        == 20
    )
    # Chases: the signed ones, and any unsigned ones whose chase fell due too — each once.
    for pk in ids:
        assert OrderEvent.objects.filter(order_id=pk, action=Action.CHASE).count() <= 1
    for pk in signed:
        assert OrderEvent.objects.filter(order_id=pk, action=Action.CHASE).count() == 1
        assert OutboxMessage.objects.filter(order_id=pk, template="chase").count() == 1
    assert not any(r.failed for r in reports)


def test_concurrent_resolution_overdue_supervises_once():
    world = build_world()
    with clock.travel_to(T0):
        ids = []
        for _i in range(15):
            order = world.place()
            services.order_dispatch(
                order_id=order.pk,
                actor=world.dispatcher,
                tier=Tier.PROPERTY,
                handler_user=world.property_manager,
            )
            services.order_sign(order_id=order.pk, actor=world.property_manager)
            ids.append(order.pk)
    moment = max(
        Order.objects.filter(pk__in=ids).values_list("resolve_due_at", flat=True)
    ) + timedelta(seconds=1)
    with clock.travel_to(moment):
        reports = run_in_threads(3, lambda i: run_sweep(now=moment, batch_size=4))
    assert sum(r.acted["resolve_overdue"] for r in reports) == 15
    for pk in ids:
        assert OrderEvent.objects.filter(order_id=pk, action=Action.OVERDUE).count() == 1
        assert OrderEvent.objects.filter(order_id=pk, action=Action.ESCALATE).count() == 1


def test_a_delivery_task_run_twice_at_once_sends_once(settings):
    settings.SIDAN_SENDERS = {**settings.SIDAN_SENDERS, "sms": "core.senders.FakeSmsSender"}
    FakeSmsSender.reset()
    message = OutboxMessage.objects.create(
        recipient="13800138000", channel="sms", template="t", body="hello"
    )
    results = run_in_threads(2, lambda i: outbox.deliver(message_id=message.pk))
    assert results == [OutboxStatus.SENT, OutboxStatus.SENT]
    assert FakeSmsSender.sent == [("13800138000", "hello")]
    message.refresh_from_db()
    assert message.attempts == 1
