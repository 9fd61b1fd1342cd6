"""The set-based sweep (``SIDAN_SWEEP_BULK``, ``core.writer.bulk_writes``) writes exactly
what the order-by-order sweep writes: the same order columns, events, supervision items,
callback tasks and outbox messages, for a batch holding every kind of due order; a step
that fails leaves nothing behind; a batch whose bulk write fails is redone order by order."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction

from core import clock, writer
from orders import sweep
from orders.lifecycle import Action, Status, Tier
from orders.models import (
    CallbackStatus,
    CallbackTask,
    DeadlinePolicy,
    Order,
    OrderEvent,
    OutboxMessage,
    SupervisionItem,
)
from orders.sweep import run_sweep
from tests.orders.test_sweep_rules import T0, dispatched, resolved

# Dedupe keys whose second part is the id of the event (or supervision item) they follow.
BY_EVENT = {
    "assigned",
    "rating_request",
    "chase",
    "sign_overdue",
    "sign_overdue_dispatch",
    "resolve_overdue",
    "dispatch_overdue",
}


def _mixed_batch(world):
    """Due orders of every rule and branch, all due at the moment returned."""
    unsigned = [dispatched(world) for _i in range(5)]
    top_unsigned = [
        dispatched(world, tier=Tier.STREET, handler=world.street_official) for _i in range(2)
    ]
    overdue = [dispatched(world, signed=True) for _i in range(4)]
    top_overdue = [
        dispatched(world, tier=Tier.STREET, handler=world.street_official, signed=True)
        for _i in range(2)
    ]
    chased = [dispatched(world, signed=True) for _i in range(3)]
    ratings = [resolved(world) for _i in range(7)]
    moment = max(o.resolve_due_at for o in overdue + top_overdue) + timedelta(minutes=1)
    moment = max(moment, max(o.sign_due_at for o in unsigned + top_unsigned))
    # Chase only: the resolution is far off.
    Order.objects.filter(pk__in=[o.pk for o in chased]).update(
        resolve_due_at=moment + timedelta(days=10)
    )
    # One of the overdue ones was already supervised: no second item, no second message.
    SupervisionItem.objects.create(order=overdue[0], kind="overdue", raised_at=moment)
    # The rating follow-up at each stage; one rated meanwhile; one no longer handled but
    # still carrying a chase time.
    for order, stage in zip(ratings, [0, 0, 1, 1, 2, 2, 0], strict=True):
        Order.objects.filter(pk=order.pk).update(
            rating_stage=stage, rating_due_at=moment - timedelta(hours=1)
        )
    CallbackTask.objects.create(order=ratings[4], due_at=moment - timedelta(days=1))
    Order.objects.filter(pk=ratings[6].pk).update(
        status=Status.CLOSED, rating="satisfied", closed_at=moment - timedelta(hours=2)
    )
    Order.objects.filter(pk=ratings[5].pk).update(chase_due_at=moment - timedelta(days=1))
    # Waiting for dispatch past the limit: to be chased, to be supervised, one dispatched
    # meanwhile still carrying a sweep time.
    with clock.travel_to(T0):
        waiting = [world.place(urgency="emergency") for _i in range(4)]
    for order, stage in zip(waiting, [0, 0, 1, 1], strict=True):
        Order.objects.filter(pk=order.pk).update(
            dispatch_stage=stage, dispatch_sweep_at=moment - timedelta(minutes=1)
        )
    Order.objects.filter(pk=ratings[0].pk).update(dispatch_sweep_at=moment - timedelta(hours=1))
    return moment


def _snapshot() -> dict:
    """Everything the sweep writes, with the ids it gave new rows replaced by what they are."""
    orders = {
        o.pk: {f.attname: getattr(o, f.attname) for f in Order._meta.concrete_fields}
        for o in Order.objects.all()
    }
    for values in orders.values():
        values.pop("updated_at")
    seen = Counter()
    names, events = {}, []
    for e in OrderEvent.objects.order_by("order_id", "id"):
        seen[e.order_id] += 1
        names[("e", e.pk)] = f"event {e.order_id}.{seen[e.order_id]}"
        events.append(
            (e.order_id, e.action, e.actor_id, e.actor_kind, e.at, e.from_status, e.to_status)
            + (e.tier, e.handler_user_id, e.handler_unit_id, e.note, e.data)
        )
    items = []
    for item in SupervisionItem.objects.order_by("order_id", "kind"):
        names[("s", item.pk)] = f"item {item.order_id}.{item.kind}"
        items.append((item.order_id, item.kind, item.raised_at, item.resolved_at))
    messages = []
    for m in OutboxMessage.objects.all():
        key = (m.dedupe_key or "").split(":")
        if key[0] in BY_EVENT or key[0] == "supervision_raised":
            kind = "s" if key[0] == "supervision_raised" else "e"
            key[1] = names[(kind, int(key[1]))]
        messages.append(
            (m.order_id, m.recipient, m.channel, m.template, m.body, m.area_path)
            + (m.status, m.next_attempt_at, ":".join(key), repr(m.payload))
        )
    callbacks = sorted(CallbackTask.objects.values_list("order_id", "due_at", "status"), key=repr)
    return {
        "orders": orders,
        "events": events,
        "items": items,
        "messages": sorted(messages, key=repr),
        "callbacks": callbacks,
    }


def _sweep(settings, *, bulk: bool, moment, **kwargs):
    settings.SIDAN_SWEEP_BULK = bulk
    with clock.travel_to(moment):
        return run_sweep(now=moment, retry_messages=False, **kwargs)


@pytest.mark.parametrize("on_sign_overdue", ["escalate", "return_to_dispatcher"])
@pytest.mark.parametrize("batch_size", [200, 4])
def test_a_mixed_batch_writes_exactly_what_order_by_order_writes(
    world, settings, caplog, on_sign_overdue, batch_size
):
    DeadlinePolicy.objects.filter(category=world.category).update(on_sign_overdue=on_sign_overdue)
    # Given due orders of every rule and branch
    moment = _mixed_batch(world)
    before = _snapshot()
    # When swept order by order (then undone) and set-based
    with transaction.atomic():
        slow_report = _sweep(settings, bulk=False, moment=moment, batch_size=batch_size)
        slow = _snapshot()
        transaction.set_rollback(True)
    assert _snapshot() == before
    with caplog.at_level(logging.WARNING, logger="sidan.sweep"):
        bulk_report = _sweep(settings, bulk=True, moment=moment, batch_size=batch_size)
    # Then the set-based sweep acted on the same orders and wrote the very same rows
    assert "bulk batch failed" not in caplog.text
    assert bulk_report.acted == slow_report.acted and not bulk_report.failed
    assert sum(bulk_report.acted.values()) >= 20
    bulk = _snapshot()
    for part in ("orders", "events", "items", "messages", "callbacks"):
        assert bulk[part] == slow[part], part
    assert len(bulk["events"]) > len(before["events"]) + 20
    assert len(bulk["items"]) > len(before["items"])
    # And a second sweep at the same moment finds no deadline left to act on (the rating
    # follow-up and the dispatch follow-up, days behind here, catch up one stage per sweep)
    again = _sweep(settings, bulk=True, moment=moment)
    assert (again.acted["sign_overdue"], again.acted["resolve_overdue"]) == (0, 0)
    assert again.acted["chase"] == 0


def test_a_failing_step_leaves_nothing_behind_and_the_rest_is_done(world, settings, monkeypatch):
    orders = [dispatched(world) for _i in range(4)]
    moment = max(o.sign_due_at for o in orders)
    bad = orders[1].pk
    rule = sweep.RULES[0]

    def step(*, order, now):
        acted = rule.step(order=order, now=now)  # writes its events and messages, then fails
        if order.pk == bad:
            raise RuntimeError("boom")
        return acted

    monkeypatch.setattr(sweep, "RULES", [sweep.Rule(rule.name, rule.due, step)])
    report = _sweep(settings, bulk=True, moment=moment)
    assert report.acted["sign_overdue"] == 3 and report.failed == {"sign_overdue": [bad]}
    assert not OrderEvent.objects.filter(order_id=bad, at=moment).exists()
    assert not OutboxMessage.objects.filter(order_id=bad, template="sign_overdue").exists()
    assert Order.objects.get(pk=bad).tier == Tier.PROPERTY
    for order in orders:
        if order.pk != bad:
            assert OrderEvent.objects.filter(order=order, action=Action.ESCALATE).count() == 1


def test_a_batch_whose_bulk_write_fails_is_redone_order_by_order(world, settings, monkeypatch):
    orders = [dispatched(world) for _i in range(3)]
    resolved_one = resolved(world)
    CallbackTask.objects.create(order=resolved_one, due_at=clock.now())
    moment = max(o.sign_due_at for o in orders)
    real_flush = writer.Bulk.flush
    calls = []

    def flush_once_failing(self):
        calls.append(1)
        real_flush(self)  # the rows are written, then the statement after them fails
        if len(calls) == 1:
            raise DatabaseError("lost")

    monkeypatch.setattr(writer.Bulk, "flush", flush_once_failing)
    report = _sweep(settings, bulk=True, moment=moment)
    assert report.acted["sign_overdue"] == 3 and not report.failed
    for order in orders:
        assert OrderEvent.objects.filter(order=order, action=Action.OVERDUE).count() == 1
        assert OrderEvent.objects.filter(order=order, action=Action.ESCALATE).count() == 1
        assert OutboxMessage.objects.filter(order=order, template="sign_overdue").count() == 1
        assert Order.objects.get(pk=order.pk).tier == Tier.GRID
    assert CallbackTask.objects.get(order=resolved_one).status == CallbackStatus.PENDING


def test_insert_unique_needs_a_bulk_block(db):
    with pytest.raises(RuntimeError, match="inside bulk_writes"):
        writer.insert_unique(OutboxMessage(), unique="dedupe_key", then=lambda m: None)
