"""Demo orders: every status, through the services, backdated, idempotent (the speed is
measured by bench/demo_bench.py)."""

from __future__ import annotations

from django.utils import timezone

from core import clock
from demo.orders import DEMO_PHONE_PREFIX, build_demo_orders
from orders.lifecycle import QueueReason, Status
from orders.models import Order, OrderEvent


def test_demo_orders_cover_every_status_and_queue(world):
    report = build_demo_orders(count=120, seed=7)
    assert report.created == 120 and report.failures == 0 and not report.skipped
    statuses = set(Order.objects.values_list("status", flat=True))
    # The open pool's orders are the party demo's (demo/party.py, tests/parties/test_demo.py).
    assert statuses == set(Status.values) - {Status.IN_POOL}
    queues = set(
        Order.objects.filter(status=Status.AWAITING_DISPATCH).values_list("queue_reason", flat=True)
    )
    assert queues == set(QueueReason.values)
    # Every order has a place event and its status is the last event's to_status.
    for order in Order.objects.prefetch_related("events"):
        moves = [e for e in order.events.all() if e.to_status]
        assert moves[0].action == "place" and moves[-1].to_status == order.status
    # Spread over the past weeks, never in the future.
    placed = list(Order.objects.values_list("placed_at", flat=True))
    assert min(placed) < timezone.now() - timezone.timedelta(days=14)
    assert max(OrderEvent.objects.values_list("at", flat=True)) <= timezone.now()
    assert clock.now() <= timezone.now()  # the clock is restored
    # A few closed orders went past their sign-for limit and were escalated by the
    # sweep's own step (the dashboards' 超期 and 响应率 have something to show).
    late = Order.objects.filter(
        status=Status.CLOSED, events__action="overdue", events__data__kind="sign"
    ).distinct()
    assert late.exists()
    assert all(o.events.filter(action="escalate").exists() for o in late)


def test_demo_orders_are_idempotent(world):
    first = build_demo_orders(count=20, seed=1)
    again = build_demo_orders(count=20, seed=1)
    assert (
        again.skipped
        and Order.objects.filter(resident_phone__startswith=DEMO_PHONE_PREFIX).count()
        == 20 + first.repeats
    )


def test_demo_history_sends_no_messages(world):
    from orders.models import OutboxMessage

    build_demo_orders(count=30, seed=7, street_code=world.street.code)
    assert OutboxMessage.objects.count() == 0


def test_every_demo_handler_login_finds_work_waiting(db):
    from django.contrib.auth.models import User

    from demo.street import build_demo
    from orders.selectors.staff import inbox_for_user

    build_demo(communities=2, grids=3, compounds=4, microgrids=8)
    build_demo_orders(count=20)
    for username in ("demo_property", "demo_grid_leader", "demo_unit", "demo_street"):
        sections = {
            s["key"]: len(s["orders"])
            for s in inbox_for_user(user=User.objects.get(username=username))
        }
        assert (
            sections["to_sign"] >= 1
            and sections["in_progress"] >= 1
            and sections["awaiting_rating"] >= 1
        ), (
            username,
            sections,
        )


def test_demo_shows_a_flagged_repeat_a_merge_a_chase_and_a_supervision(world):
    from orders.lifecycle import Action
    from orders.models import CancelReason, SupervisionItem, SupervisionKind

    report = build_demo_orders(count=60, seed=3, street_code=world.street.code)
    assert report.repeats == 2
    demo = Order.objects.filter(resident_phone__startswith=DEMO_PHONE_PREFIX)
    assert demo.filter(repeat_of__isnull=False, status="awaiting_dispatch").exists()
    assert demo.filter(cancel_reason=CancelReason.MERGED, duplicate_of__isnull=False).exists()
    assert OrderEvent.objects.filter(action=Action.CHASE, data__manual=True).exists()
    assert SupervisionItem.objects.filter(kind=SupervisionKind.MANUAL).exists()
