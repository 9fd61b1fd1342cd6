"""A fixed month of orders for the figures (issue 9), hand-computed in test_figures.py.

Community LX01 (东湖社区), all in its one micro-grid, March 2026 unless noted
(Asia/Shanghai times; T0 = Monday 9 March 10:00):

* A facility, phone …001: dispatched +10 min (物业), signed +1 h, resolved +3 h, rated
  已解决/满意 +4 h — closed at tier 1.
* B environment, …002: dispatched +10 min, sign-for overdue (the sweep escalates it to the
  grid leader), signed, resolved, rated 未解决/不满意 in March (redo, tier 3); dispatched
  to the member unit, signed, resolved, and rated 已解决/基本满意 on 2 April (late) —
  closed in April at tier 3, redone.
* C property, …003: dispatched +10 min, signed +1 h, resolved +2 h, never rated; the
  sweep raises a callback; the callback reaches the resident 12 March: 已解决/基本满意
  (recorded as the order's rating) — closed at tier 1.
* D parking, …004: placed 31 March 23:30, cancelled by the resident 1 April 00:30.
* F facility, …001 (A's phone): placed 20 March, not dispatched — a repeated request.
* E (community LX02) facility, …005: dispatched, signed, resolved, rated 已解决/满意.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from core import clock
from orders import services
from orders.calendar import SHANGHAI
from orders.lifecycle import Tier
from orders.models import CallbackTask, CancelReason, Category, Order, Rating
from orders.sweep import run_sweep
from tests.orders.conftest import build_world

T0 = datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)


def at(moment):
    return clock.travel_to(moment)


def sweep_at(moment):
    with clock.travel_to(moment):
        return run_sweep(now=moment)


@dataclass
class Month:
    world: object
    a: Order
    b: Order
    c: Order
    d: Order
    f: Order
    e: Order


def _place(world, code, phone, **kw):
    return world.place(category=Category.objects.get(code=code), resident_phone=phone, **kw)


def build_month(world, *, fill=None) -> Month:
    """The data set above; ``fill`` (if given) is called after March and at the end."""
    with at(T0):
        a = _place(world, "facility", "13900000001")
        b = _place(world, "environment", "13900000002")
        c = _place(world, "property", "13900000003")
        e = _place(world, "facility", "13900000005", area=world.other_microgrid)
    with at(T0 + timedelta(minutes=10)):
        for order in (a, b, c):
            services.order_dispatch(
                order_id=order.pk,
                actor=world.dispatcher,
                tier=Tier.PROPERTY,
                handler_user=world.property_manager,
            )
        services.order_dispatch(
            order_id=e.pk,
            actor=world.other_dispatcher,
            tier=Tier.PROPERTY,
            handler_user=world.other_property_manager,
        )
    with at(T0 + timedelta(hours=1)):
        services.order_sign(order_id=a.pk, actor=world.property_manager)
        services.order_sign(order_id=c.pk, actor=world.property_manager)
        services.order_sign(order_id=e.pk, actor=world.other_property_manager)
    with at(T0 + timedelta(hours=2)):
        services.order_resolve(order_id=c.pk, actor=world.property_manager, result_note="已处理")
        services.order_resolve(
            order_id=e.pk, actor=world.other_property_manager, result_note="已处理"
        )
    with at(T0 + timedelta(hours=3)):
        services.order_resolve(order_id=a.pk, actor=world.property_manager, result_note="已修好")
    with at(T0 + timedelta(hours=4)):
        services.order_rate(order_id=a.pk, rating=Rating.SATISFIED, solved=True)
        services.order_rate(order_id=e.pk, rating=Rating.SATISFIED, solved=True)
    b.refresh_from_db()
    sign_due = b.sign_due_at
    sweep_at(sign_due)  # B: sign-for overdue, escalated to the grid leader
    with at(sign_due + timedelta(hours=1)):
        services.order_sign(order_id=b.pk, actor=world.grid_leader)
    with at(sign_due + timedelta(hours=2)):
        services.order_resolve(order_id=b.pk, actor=world.grid_leader, result_note="扫了")
    with at(sign_due + timedelta(hours=3)):
        services.order_rate(order_id=b.pk, rating=Rating.DISSATISFIED, solved=False)
    c.refresh_from_db()
    sweep_at(c.resolved_at + timedelta(days=1))  # reminder
    sweep_at(c.resolved_at + timedelta(days=3))  # callback task
    task = CallbackTask.objects.get(order=c)
    with at(datetime(2026, 3, 12, 16, 0, tzinfo=SHANGHAI)):
        services.callback_record(
            task_id=task.pk,
            actor=world.dispatcher,
            reached=True,
            resolved=True,
            rating=Rating.BASIC,
            note="居民说基本满意",
        )
    with at(datetime(2026, 3, 13, 9, 0, tzinfo=SHANGHAI)):
        services.order_dispatch(
            order_id=b.pk, actor=world.dispatcher, tier=Tier.MEMBER_UNIT, handler_unit=world.unit
        )
    with at(datetime(2026, 3, 13, 10, 0, tzinfo=SHANGHAI)):
        services.order_sign(order_id=b.pk, actor=world.unit_liaison)
    with at(datetime(2026, 3, 20, 9, 0, tzinfo=SHANGHAI)):
        f = _place(world, "facility", "13900000001")
    with at(datetime(2026, 3, 31, 23, 30, tzinfo=SHANGHAI)):
        d = _place(world, "parking", "13900000004")
    if fill:
        with at(datetime(2026, 3, 31, 23, 50, tzinfo=SHANGHAI)):
            fill()
    with at(datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI)):
        services.order_cancel(order_id=d.pk, reason=CancelReason.RESIDENT)
    with at(datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI)):
        services.order_resolve(order_id=b.pk, actor=world.unit_liaison, result_note="彻底清理")
    with at(datetime(2026, 4, 2, 9, 0, tzinfo=SHANGHAI)):
        services.order_rate(order_id=b.pk, rating=Rating.BASIC, solved=True)
    if fill:
        with at(datetime(2026, 4, 2, 10, 0, tzinfo=SHANGHAI)):
            fill()
    return Month(world, *(Order.objects.get(pk=o.pk) for o in (a, b, c, d, f, e)))


@pytest.fixture
def month(db):
    return build_month(build_world())
