"""What one sweep costs in queries.

The sweep locks a batch of due orders in one select and reads reference data (deadline
policy, calendar, who holds the posts above the area) once per batch. Set-based (the
default, ``SIDAN_SWEEP_BULK``) a batch's writes are a few statements per table whatever
it holds, so the count does not grow with the batch; order by order (the fallback) each
due order adds exactly its own writes. The exact figures below are the same on SQLite and
PostgreSQL; if one changes, the docstring of the step that changed should say why.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import clock
from grids.models import Post, PostRole
from orders import services
from orders.lifecycle import Action, Status, Tier
from orders.models import Order, OrderEvent, OutboxMessage, Whistle
from orders.services.sweep_steps import sign_overdue_locked
from orders.sweep import run_sweep
from tests.factories import UserFactory
from tests.orders.joint_helpers import add_joint
from tests.orders.test_sweep_rules import T0, dispatched, resolved

# Order by order (``SIDAN_SWEEP_BULK`` off, or a batch whose bulk write failed), per due
# order: its savepoint and release, then
#   sign-for overdue: the OVERDUE event; the order's UPDATE; the ESCALATE event with its two
#     DUE_CHANGED events (one INSERT); the new handler's and the old handler's message
#     (a dedupe check and an INSERT each)                                        = 9
#   resolution overdue: OVERDUE event; supervision item (check, INSERT) and the street's
#     message (check, INSERT); the escalation as above; the old handler's message = 13
#   chase: UPDATE, CHASE event, the handler's message                            = 6
#   rating follow-up: reminder (message, event, UPDATE) = 6; callback task (INSERT,
#     UPDATE) = 4; close unrated (UPDATE, event, expire callbacks) = 5
#   dispatch overdue: chase (UPDATE, OVERDUE event, the dispatcher's message) = 6;
#     supervision (UPDATE, item check and INSERT, the street's message)    = 7
#   whistle report overdue (issue 12): the whistle's UPDATE, the WHISTLE_OVERDUE event, the
#     department's chase (check, INSERT), the supervision item (check, INSERT) and the
#     street's message (check, INSERT)                                     = 10
PER_ORDER = {
    "whistle_report": 10,
    "dispatch_chase": 6,
    "dispatch_supervise": 7,
    "sign_escalate": 9,
    "resolve_overdue": 13,
    "chase": 6,
    "rating_reminder": 6,
    "rating_callback": 4,
    "rating_close": 5,
}


def _due_orders(world, kind: str, n: int):
    """``n`` orders due for one kind of step, and the moment they are all due."""
    moments = []
    if kind == "whistle_report":
        return _due_whistles(world, n)
    for _i in range(n):
        if kind.startswith("dispatch_"):
            with clock.travel_to(T0):
                order = world.place()
            if kind == "dispatch_supervise":
                Order.objects.filter(pk=order.pk).update(dispatch_stage=1)
            moments.append(order.dispatch_sweep_at)
        elif kind == "sign_escalate":
            order = dispatched(world)
            moments.append(order.sign_due_at)
        elif kind == "resolve_overdue":
            order = dispatched(world, signed=True)
            Order.objects.filter(pk=order.pk).update(chase_due_at=None)  # the chase is another rule
            moments.append(order.resolve_due_at)
        elif kind == "chase":
            order = dispatched(world, signed=True)
            moments.append(order.chase_due_at)
        else:
            order = resolved(world)
            stage = {"rating_reminder": 0, "rating_callback": 1, "rating_close": 2}[kind]
            Order.objects.filter(pk=order.pk).update(rating_stage=stage)
            moments.append(order.rating_due_at)
    return max(moments) + timedelta(seconds=1)


def _due_whistles(world, n: int):
    """``n`` whistles past their report limit (issue 12), and the moment they are all due."""
    from grids.models import Department

    department = Department.objects.first()
    if department is None:
        department = add_joint(world).market
    moments = []
    with clock.travel_to(T0):
        for _i in range(n):
            order = world.place()
            whistle = services.whistle_blow(
                order_id=order.pk, actor=world.dispatcher, department=department, note="到场"
            )
            Whistle.objects.filter(pk=whistle.pk).update(resolve_sweep_at=None)  # another rule
            moments.append(whistle.report_due_at)
    return max(moments) + timedelta(seconds=1)


# Set-based, per sweep: per rule a savepoint pair around the batch and the batch select
# (the rules with nothing due end there), then for the batch of the kind below: its own
# savepoint pair, the lookups once for the batch, the id draws, one write per table.
# An upper bound per kind (the exact figure moves with which rules have nothing due).
BULK = {
    "sign_escalate": 31,
    "resolve_overdue": 38,
    "chase": 28,
    "rating_reminder": 28,
    "rating_callback": 26,
    "rating_close": 27,
    "dispatch_chase": 31,
    "dispatch_supervise": 30,
    "whistle_report": 33,
}


@pytest.fixture
def order_by_order(settings):
    settings.SIDAN_SWEEP_BULK = False


def _sweep_queries(world, kind: str, n: int) -> int:
    moment = _due_orders(world, kind, n)
    with clock.travel_to(moment), CaptureQueriesContext(connection) as ctx:
        report = run_sweep(now=moment, retry_messages=False)
    assert report.total == n and not report.failed, report
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", list(BULK))
def test_a_set_based_batch_costs_the_same_queries_whatever_it_holds(world, kind):
    # Given a sweep over 3 due orders of one kind
    three = _sweep_queries(world, kind, 3)
    # When another sweep finds 25 of them (in one batch)
    twenty_five = _sweep_queries(world, kind, 25)
    # Then no write and no lookup is made per order: on PostgreSQL not one query more; on
    # SQLite Django splits an INSERT at its 999 parameters (some 70 rows), one more each
    assert three <= BULK[kind], (kind, three, twenty_five)
    if connection.vendor == "postgresql":
        assert twenty_five == three
    else:
        assert twenty_five - three <= 3


@pytest.mark.usefixtures("order_by_order")
@pytest.mark.parametrize("kind", list(PER_ORDER))
def test_each_due_order_adds_a_fixed_number_of_queries(world, kind):
    # Given a sweep over 5 due orders of one kind
    five = _sweep_queries(world, kind, 5)
    # When another sweep finds 20 of them
    twenty = _sweep_queries(world, kind, 20)
    # Then the 15 more cost exactly their own writes: lookups are not repeated per order
    assert twenty - five == 15 * PER_ORDER[kind]


@pytest.mark.usefixtures("order_by_order")
def test_sign_overdue_escalation_query_count(world):
    # Given 5 orders late for sign-for at the property tier
    moment = _due_orders(world, "sign_escalate", 5)
    # When one sweep runs: per rule (seven) a savepoint pair and the batch select, the escalation's
    # policy, calendar and grid-leader lookups once for the batch, and 9 per order
    with clock.travel_to(moment), CaptureQueriesContext(connection) as ctx:
        report = run_sweep(now=moment, retry_messages=False)
    assert report.acted["sign_overdue"] == 5
    assert len(ctx.captured_queries) == 7 * 3 + 3 + 5 * PER_ORDER["sign_escalate"]
    # Then every order got one OVERDUE, one ESCALATE and its DUE_CHANGED events, in order
    for order in Order.objects.filter(status=Status.AWAITING_SIGN):
        assert order.tier == Tier.GRID and order.handler_user == world.grid_leader
        actions = list(
            order.events.filter(at=moment).order_by("id").values_list("action", flat=True)
        )
        assert actions == [Action.OVERDUE, Action.ESCALATE, Action.DUE_CHANGED, Action.DUE_CHANGED]
    assert (
        OutboxMessage.objects.filter(
            template="order_assigned", recipient=world.grid_leader.username
        ).count()
        == 5
    )
    assert (
        OutboxMessage.objects.filter(
            template="sign_overdue", recipient=world.property_manager.username
        ).count()
        == 5
    )


@pytest.mark.usefixtures("order_by_order")
def test_smaller_batches_read_the_lookups_again_per_batch(world):
    # Given 6 due orders swept 2 at a time: three batches
    moment = _due_orders(world, "sign_escalate", 6)
    with clock.travel_to(moment), CaptureQueriesContext(connection) as ctx:
        report = run_sweep(now=moment, batch_size=2, retry_messages=False)
    assert report.acted["sign_overdue"] == 6
    # Then each batch reads the three lookups afresh: four sign-for batches (the last one
    # empty) and one empty batch per other rule, each a savepoint pair and its select
    batches = (4 + 6) * 3
    assert len(ctx.captured_queries) == batches + 3 * 3 + 6 * PER_ORDER["sign_escalate"]


def test_a_post_changed_between_sweeps_is_seen_by_the_next_sweep(world):
    # Given an order escalated by one sweep to the grid leader
    first = dispatched(world)
    sweep_at = first.sign_due_at + timedelta(seconds=1)
    with clock.travel_to(sweep_at):
        run_sweep(now=sweep_at, retry_messages=False)
    first.refresh_from_db()
    assert first.handler_user == world.grid_leader
    # When the grid changes hands before the next sweep
    successor = UserFactory(username="new_grid_leader")
    Post.objects.filter(user=world.grid_leader, role=PostRole.GRID_LEADER).update(user=successor)
    second = dispatched(world)
    later = second.sign_due_at + timedelta(seconds=1)
    with clock.travel_to(later):
        run_sweep(now=later, retry_messages=False)
    # Then the next escalation goes to the new grid leader
    second.refresh_from_db()
    assert (second.tier, second.handler_user) == (Tier.GRID, successor)


def test_the_locked_steps_refuse_an_order_not_locked_in_this_transaction(world):
    order = dispatched(world)
    # Given an instance read without a row lock
    plain = Order.objects.get(pk=order.pk)
    moment = order.sign_due_at + timedelta(seconds=1)
    # Then neither the sweep step nor the lifecycle move accepts it
    with transaction.atomic(), pytest.raises(RuntimeError, match="not locked"):
        sign_overdue_locked(order=plain, now=moment)
    with transaction.atomic(), pytest.raises(RuntimeError, match="not locked"):
        services.order_escalate_locked(order=plain, reason="x")
    assert not OrderEvent.objects.filter(order=order, action=Action.ESCALATE).exists()


@pytest.mark.django_db(transaction=True)
def test_an_order_locked_in_an_earlier_transaction_is_refused(world):
    order = dispatched(world)
    # Given an instance whose lock ended with its transaction
    with transaction.atomic():
        locked = services.lock_order(order.pk)
    # Then a move on it must lock the row again
    with transaction.atomic(), pytest.raises(RuntimeError, match="not locked"):
        services.order_escalate_locked(order=locked, reason="x")
    with pytest.raises(RuntimeError, match="not locked"):
        services.order_escalate_locked(order=locked, reason="x")
    assert not OrderEvent.objects.filter(order=order, action=Action.ESCALATE).exists()
