"""Each sweep rule, driven by a controllable clock: chase, sign-for overdue, resolution
overdue, the rating follow-up, repeat dissatisfaction and a worker dying mid-batch."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core import clock
from orders import deadlines, services
from orders.calendar import SHANGHAI
from orders.lifecycle import Action, QueueReason, Status, Tier
from orders.models import (
    CallbackStatus,
    CallbackTask,
    DeadlinePolicy,
    Order,
    OutboxMessage,
    Rating,
    SupervisionItem,
    SupervisionKind,
)
from orders.services import callback_record
from orders.sweep import run_sweep

T0 = datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)  # a Monday, no holidays near


def sweep_at(moment: datetime):
    with clock.travel_to(moment):
        return run_sweep(now=moment)


def dispatched(world, *, tier=Tier.PROPERTY, handler=None, signed=False) -> Order:
    with clock.travel_to(T0):
        order = world.place()
        services.order_dispatch(
            order_id=order.pk,
            actor=world.dispatcher,
            tier=tier,
            handler_user=handler or world.property_manager,
        )
        if signed:
            services.order_sign(order_id=order.pk, actor=handler or world.property_manager)
    return Order.objects.get(pk=order.pk)


def resolved(world) -> Order:
    order = dispatched(world, signed=True)
    with clock.travel_to(T0 + timedelta(hours=2)):
        services.order_resolve(
            order_id=order.pk, actor=world.property_manager, result_note="已修好"
        )
    return Order.objects.get(pk=order.pk)


def events(order, action):
    return list(order.events.filter(action=action).order_by("id"))


def messages(template, **filters):
    return OutboxMessage.objects.filter(template=template, **filters)


# --- chase ---------------------------------------------------------------------


def test_chase_once_at_the_share_of_the_limit(world):
    order = dispatched(world, signed=True)
    assert sweep_at(order.chase_due_at - timedelta(minutes=1)).acted.get("chase") == 0
    assert events(order, Action.CHASE) == []
    report = sweep_at(order.chase_due_at)
    assert report.acted["chase"] == 1
    order.refresh_from_db()
    assert (order.chase_due_at, order.chased_at) == (
        None,
        order.chased_at,
    ) and order.chased_at is not None
    assert len(events(order, Action.CHASE)) == 1
    assert list(messages("chase").values_list("recipient", flat=True)) == [
        world.property_manager.username
    ]
    # Later sweeps chase no more.
    sweep_at(order.chase_due_at or order.resolve_due_at - timedelta(hours=1))
    assert len(events(order, Action.CHASE)) == 1 and messages("chase").count() == 1


def test_no_chase_for_a_resolved_order(world):
    order = resolved(world)
    assert order.chase_due_at is None
    sweep_at(order.resolve_due_at)
    assert events(order, Action.CHASE) == []


# --- sign-for overdue -----------------------------------------------------------


def test_sign_overdue_escalates_one_tier_and_tells_both_sides(world):
    order = dispatched(world)
    assert sweep_at(order.sign_due_at - timedelta(seconds=1)).acted["sign_overdue"] == 0
    report = sweep_at(order.sign_due_at)
    assert report.acted["sign_overdue"] == 1
    order.refresh_from_db()
    assert (order.status, order.tier, order.handler_user) == (
        Status.AWAITING_SIGN,
        Tier.GRID,
        world.grid_leader,
    )
    [overdue] = events(order, Action.OVERDUE)
    assert overdue.data["kind"] == "sign" and overdue.actor_kind == "system"
    [escalate] = events(order, Action.ESCALATE)
    assert escalate.actor is None and escalate.actor_kind == "system"
    assert list(messages("sign_overdue").values_list("recipient", flat=True)) == [
        world.property_manager.username
    ]
    assert messages("order_assigned", recipient=world.grid_leader.username).count() == 1
    # The new tier has a fresh sign-for limit; sweeping again now does nothing.
    sweep_at(order.sign_due_at - timedelta(seconds=1))
    assert len(events(order, Action.ESCALATE)) == 1


def test_sign_overdue_returns_to_the_dispatcher_when_the_policy_says_so(world):
    DeadlinePolicy.objects.filter(category=world.category).update(
        on_sign_overdue="return_to_dispatcher"
    )
    order = dispatched(world)
    sweep_at(order.sign_due_at)
    order.refresh_from_db()
    assert (order.status, order.queue_reason, order.handler_user) == (
        Status.AWAITING_DISPATCH,
        QueueReason.RETURNED,
        None,
    )
    assert messages("sign_overdue_dispatch", recipient=world.dispatcher.username).count() == 1
    assert events(order, Action.RETURN)[0].actor_kind == "system"


def test_sign_overdue_at_the_top_tier_is_supervised_once(world):
    order = dispatched(world, tier=Tier.STREET, handler=world.street_official)
    sweep_at(order.sign_due_at)
    sweep_at(order.sign_due_at + timedelta(hours=1))
    order.refresh_from_db()
    assert order.status == Status.AWAITING_SIGN and order.sign_due_at is None
    assert (
        SupervisionItem.objects.filter(order=order, kind=SupervisionKind.SIGN_OVERDUE).count() == 1
    )
    assert len(events(order, Action.OVERDUE)) == 1


# --- resolution overdue -----------------------------------------------------------


def test_resolution_overdue_is_marked_supervised_and_escalated(world):
    order = dispatched(world, signed=True)
    due = order.resolve_due_at
    sweep_at(due - timedelta(seconds=1))
    assert events(order, Action.OVERDUE) == []
    report = sweep_at(due)
    assert report.acted["resolve_overdue"] == 1
    order.refresh_from_db()
    [overdue] = events(order, Action.OVERDUE)
    assert overdue.data["kind"] == "resolve"
    item = SupervisionItem.objects.get(order=order)
    assert (item.kind, item.resolved_at) == (SupervisionKind.OVERDUE, None)
    assert (order.status, order.tier) == (Status.AWAITING_SIGN, Tier.GRID)
    assert messages("resolve_overdue", recipient=world.property_manager.username).count() == 1
    assert messages("supervision_raised", recipient=world.street_official.username).count() == 1
    sweep_at(due + timedelta(minutes=5))
    assert len(events(order, Action.OVERDUE)) == 1 and SupervisionItem.objects.count() == 1


def test_resolution_overdue_at_the_top_tier_stays_flagged(world):
    order = dispatched(world, tier=Tier.STREET, handler=world.street_official, signed=True)
    sweep_at(order.resolve_due_at)
    sweep_at(order.resolve_due_at + timedelta(days=1))
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS and order.overdue_at is not None
    assert len(events(order, Action.OVERDUE)) == 1 and events(order, Action.ESCALATE) == []


# --- rating follow-up ---------------------------------------------------------------


def test_rating_reminder_callback_and_close_unrated(world):
    order = resolved(world)
    resolved_at = order.resolved_at
    assert messages("rating_request", order=order).count() == 1
    sweep_at(resolved_at + timedelta(hours=23))
    assert messages("rating_reminder").count() == 0
    sweep_at(resolved_at + timedelta(hours=24))
    sweep_at(resolved_at + timedelta(hours=25))
    assert messages("rating_reminder", recipient=order.resident_phone).count() == 1
    assert messages("rating_request", order=order).count() == 1
    assert "/t/" in messages("rating_reminder").get().body
    assert len(events(order, Action.RATING_REQUESTED)) == 1
    sweep_at(resolved_at + timedelta(days=3))
    sweep_at(resolved_at + timedelta(days=3, hours=1))
    task = CallbackTask.objects.get(order=order)
    assert task.status == CallbackStatus.PENDING
    sweep_at(resolved_at + timedelta(days=7))
    order.refresh_from_db()
    assert (order.status, order.rating) == (Status.CLOSED, "")
    assert events(order, Action.CLOSE_UNRATED)[0].data == {"unrated": True}
    task.refresh_from_db()
    assert task.status == CallbackStatus.EXPIRED
    sweep_at(resolved_at + timedelta(days=30))
    assert len(events(order, Action.CLOSE_UNRATED)) == 1 and order.rating_due_at is None


def test_a_rating_ends_the_follow_up(world):
    order = resolved(world)
    with clock.travel_to(order.resolved_at + timedelta(hours=1)):
        services.order_rate(order_id=order.pk, rating=Rating.SATISFIED)
    sweep_at(order.resolved_at + timedelta(days=8))
    order.refresh_from_db()
    assert order.rating_due_at is None and messages("rating_reminder").count() == 0
    assert events(order, Action.CLOSE_UNRATED) == []


def test_callback_records_the_rating_for_the_resident(world):
    order = resolved(world)
    sweep_at(order.resolved_at + timedelta(days=1))
    sweep_at(order.resolved_at + timedelta(days=3))
    task = CallbackTask.objects.get(order=order)
    with clock.travel_to(order.resolved_at + timedelta(days=3, hours=2)):
        callback_record(
            task_id=task.pk,
            actor=world.dispatcher,
            reached=True,
            resolved=True,
            rating=Rating.BASIC,
            note="居民表示灯已修好",
        )
    order.refresh_from_db()
    task.refresh_from_db()
    assert (order.status, order.rating) == (Status.CLOSED, Rating.BASIC)
    assert (task.status, task.reached, task.done_by) == (
        CallbackStatus.DONE,
        True,
        world.dispatcher,
    )
    rate = events(order, Action.RATE)[0]
    assert rate.actor == world.dispatcher
    assert events(order, Action.CALLBACK)[0].data["reached"] is True


def test_second_dissatisfied_rating_raises_supervision(world):
    order = resolved(world)
    services.order_rate(order_id=order.pk, rating=Rating.DISSATISFIED, comment="没修好")
    assert not SupervisionItem.objects.filter(order=order).exists()
    services.order_dispatch(
        order_id=order.pk, actor=world.dispatcher, tier=Tier.GRID, handler_user=world.grid_leader
    )
    services.order_sign(order_id=order.pk, actor=world.grid_leader)
    services.order_resolve(order_id=order.pk, actor=world.grid_leader, result_note="又修了")
    services.order_rate(order_id=order.pk, rating=Rating.DISSATISFIED, comment="还是不亮")
    item = SupervisionItem.objects.get(order=order)
    assert item.kind == SupervisionKind.REPEAT_DISSATISFIED


# --- a worker dying mid-batch ---------------------------------------------------------


class WorkerKilled(BaseException):
    """Not an Exception: like a kill, nothing in the sweep catches it."""


def test_worker_killed_mid_batch_rolls_back_and_the_next_sweep_does_all(world):
    orders = [dispatched(world) for _i in range(6)]
    due = max(o.sign_due_at for o in orders)
    seen = []

    def die_halfway(order_id):
        seen.append(order_id)
        if len(seen) == 4:
            raise WorkerKilled

    with clock.travel_to(due), pytest.raises(WorkerKilled):
        run_sweep(now=due, batch_size=10, on_order=die_halfway)
    assert Order.objects.filter(status=Status.AWAITING_SIGN, tier=Tier.PROPERTY).count() == 6
    assert not OutboxMessage.objects.filter(template="sign_overdue").exists()
    report = sweep_at(due)
    assert report.acted["sign_overdue"] == 6
    for order in orders:
        assert len(events(order, Action.ESCALATE)) == 1


def test_bounded_batches_still_take_every_due_order(world):
    orders = [dispatched(world) for _i in range(7)]
    due = max(o.sign_due_at for o in orders)
    with clock.travel_to(due):
        report = run_sweep(now=due, batch_size=3)
    assert report.acted["sign_overdue"] == 7


# --- dispatch overdue -----------------------------------------------------------------


def test_dispatch_limit_per_urgency_from_the_policy(world):
    with clock.travel_to(T0):
        emergency = world.place(urgency="emergency")
        urgent = world.place(urgency="urgent")
        normal = world.place()
    assert emergency.dispatch_due_at == T0 + timedelta(minutes=30)
    # Two working hours and one working day on a Monday morning (no holidays near)
    assert urgent.dispatch_due_at == T0 + timedelta(hours=2)
    assert normal.dispatch_due_at == deadlines.add_limit(start=T0, limit=1, unit="working_days")
    assert normal.dispatch_due_at > T0 + timedelta(hours=20)
    for order in (emergency, urgent, normal):
        assert (order.dispatch_sweep_at, order.dispatch_stage) == (order.dispatch_due_at, 0)


def test_dispatch_limit_is_configurable_in_the_policy(world):
    DeadlinePolicy.objects.filter(category=world.category, urgency="normal").update(
        dispatch_limit=45, dispatch_unit="minutes"
    )
    with clock.travel_to(T0):
        order = world.place()
    assert order.dispatch_due_at == T0 + timedelta(minutes=45)


def test_dispatch_overdue_chases_the_dispatchers_then_the_street_supervises(world):
    with clock.travel_to(T0):
        order = world.place(urgency="emergency")
    due = order.dispatch_due_at
    assert sweep_at(due - timedelta(seconds=1)).acted["dispatch_overdue"] == 0
    # At the limit: the community's dispatchers are chased, once
    assert sweep_at(due).acted["dispatch_overdue"] == 1
    order.refresh_from_db()
    assert order.dispatch_stage == 1 and order.dispatch_sweep_at == due + timedelta(minutes=30)
    [overdue] = events(order, Action.OVERDUE)
    assert overdue.data["kind"] == "dispatch"
    assert messages("dispatch_overdue", recipient=world.dispatcher.username).count() == 1
    assert not messages("dispatch_overdue", recipient=world.other_dispatcher.username).exists()
    assert sweep_at(due + timedelta(minutes=5)).acted["dispatch_overdue"] == 0
    assert not SupervisionItem.objects.filter(order=order).exists()
    # One more limit later: street supervision, once
    assert sweep_at(order.dispatch_sweep_at).acted["dispatch_overdue"] == 1
    item = SupervisionItem.objects.get(order=order)
    assert item.kind == SupervisionKind.DISPATCH_OVERDUE
    assert messages("supervision_raised", recipient=world.street_official.username).count() == 1
    order.refresh_from_db()
    assert (order.dispatch_stage, order.dispatch_sweep_at) == (2, None)
    assert order.dispatch_due_at == due  # still shown as overdue until dispatched
    assert sweep_at(due + timedelta(days=2)).acted["dispatch_overdue"] == 0
    assert len(events(order, Action.OVERDUE)) == 1


def test_dispatch_in_time_clears_the_limit_and_nothing_is_chased(world):
    order = dispatched(world)
    assert (order.dispatch_due_at, order.dispatch_sweep_at, order.dispatch_stage) == (None, None, 0)
    assert sweep_at(T0 + timedelta(days=3)).acted["dispatch_overdue"] == 0
    assert not messages("dispatch_overdue").exists()


def test_a_return_starts_a_fresh_dispatch_limit(world):
    order = dispatched(world)
    back = T0 + timedelta(hours=1)
    with clock.travel_to(back):
        services.order_return(order_id=order.pk, actor=world.property_manager, reason="不归物业管")
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH
    assert order.dispatch_due_at == deadlines.add_limit(start=back, limit=1, unit="working_days")
    assert order.dispatch_sweep_at == order.dispatch_due_at


def test_a_redo_after_dissatisfaction_starts_a_dispatch_limit(world):
    order = resolved(world)
    rated = T0 + timedelta(hours=3)
    with clock.travel_to(rated):
        services.order_rate(order_id=order.pk, rating=Rating.DISSATISFIED, comment="没修好")
    order.refresh_from_db()
    assert (order.status, order.queue_reason) == (Status.AWAITING_DISPATCH, QueueReason.REDO)
    assert order.dispatch_due_at is not None and order.dispatch_due_at > rated
