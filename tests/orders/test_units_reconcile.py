"""Monthly reconciliation figures against a month worked out by hand (docs/units.md)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta

from core import clock
from core.actors import Actor
from orders import events, services
from orders.calendar import SHANGHAI
from orders.lifecycle import Action, Tier
from orders.models import Category, Rating
from orders.sweep import run_sweep
from orders.units.reconcile import unit_month_figures
from parties.units import services as unit_services
from tests.orders.units_helpers import project, resource


def at(day: str, hour: int = 10) -> datetime:
    return datetime.strptime(day, "%Y-%m-%d").replace(hour=hour, tzinfo=SHANGHAI)


def to_unit(world, order, unit=None):
    return services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.MEMBER_UNIT,
        handler_unit=unit or world.unit,
    )


def sweep(moment):
    with clock.travel_to(moment):
        run_sweep(now=moment)


def test_march_figures_match_the_hand_count(world):
    elderly = Category.objects.get(code="elderly")
    liaison = world.unit_liaison
    # D: dispatched, signed and resolved in February; rated 基本满意 on 2 March.
    with clock.travel_to(at("2026-02-16")):
        d = world.place(category=elderly)
        to_unit(world, d)
        services.order_sign(order_id=d.pk, actor=liaison)
    with clock.travel_to(at("2026-02-18")):
        services.order_resolve(order_id=d.pk, actor=liaison, result_note="已上门")
    with clock.travel_to(at("2026-03-02")):
        services.order_rate(order_id=d.pk, rating=Rating.BASIC)
        res = resource(world, capacity=5)
        finished = project(world, res, capacity_used=2)
        project(world, res, title="助餐点送餐")
        unit_services.project_start(project_id=finished.pk, actor=liaison)
    # A: received, signed, resolved on time, rated 满意. B: received, signed, then not
    # resolved in time — the sweep escalates it to the street, whose result is not the
    # unit's. C: received and returned by the unit. E: another handler's order.
    with clock.travel_to(at("2026-03-09")):
        a, b, c, e = (world.place(category=elderly) for _ in range(4))
        for order in (a, b, c):
            to_unit(world, order)
        services.order_dispatch(
            order_id=e.pk,
            actor=world.dispatcher,
            tier=Tier.PROPERTY,
            handler_user=world.property_manager,
        )
        services.order_sign(order_id=a.pk, actor=liaison)
        services.order_sign(order_id=b.pk, actor=liaison)
        services.order_return(order_id=c.pk, actor=liaison, reason="不属于本单位职责")
    with clock.travel_to(at("2026-03-09", 15)):
        services.order_resolve(order_id=a.pk, actor=liaison, result_note="已办好")
        services.order_sign(order_id=e.pk, actor=world.property_manager)
        services.order_resolve(order_id=e.pk, actor=world.property_manager, result_note="修好")
    with clock.travel_to(at("2026-03-10")):
        services.order_rate(order_id=a.pk, rating=Rating.SATISFIED)
        services.order_rate(order_id=e.pk, rating=Rating.SATISFIED)
        unit_services.project_complete(project_id=finished.pk, actor=liaison, result="已完成")
    # F: received on Monday 23 March and never signed for: the sweep takes it away.
    with clock.travel_to(at("2026-03-23")):
        f = world.place(category=elderly)
        to_unit(world, f)
    sweep(at("2026-03-26"))
    f.refresh_from_db()
    assert f.handler_unit_id != world.unit.pk
    b.refresh_from_db()
    assert b.resolve_due_at < at("2026-03-31")
    sweep(b.resolve_due_at + timedelta(hours=1))
    b.refresh_from_db()
    assert b.tier == Tier.STREET  # escalated away from the unit
    # April events do not count for March.
    with clock.travel_to(at("2026-04-01")):
        services.order_dispatch(
            order_id=c.pk, actor=world.dispatcher, tier=Tier.MEMBER_UNIT, handler_unit=world.unit
        )

    figures = unit_month_figures(unit=world.unit, month=dt.date(2026, 3, 1)).as_dict()

    assert figures == {
        "orders_received": 4,  # A, B, C, F
        "signed_on_time": 2,  # A, B
        "resolved": 1,  # A
        "resolved_on_time": 1,
        "returned": 1,  # C
        "rated": 2,  # A (this month), D (resolved in February, rated in March)
        "satisfied": 2,  # 满意 + 基本满意
        "projects_delivered": 1,
        "resources_used": 3,  # 2 + 1 of the resource's 5
        "resources_capacity": 5,
    }
    february = unit_month_figures(unit=world.unit, month=dt.date(2026, 2, 1)).as_dict()
    assert (february["orders_received"], february["signed_on_time"], february["resolved"]) == (
        1,
        1,
        1,
    )
    assert (february["rated"], february["resources_capacity"]) == (0, 5)


def test_figures_take_five_queries(world, django_assert_num_queries):
    with clock.travel_to(at("2026-03-09")):
        for _ in range(3):
            to_unit(world, world.place())
    with django_assert_num_queries(5):
        unit_month_figures(unit=world.unit, month=dt.date(2026, 3, 1))


def test_a_late_sign_after_an_overdue_does_not_count_as_on_time(world):
    with clock.travel_to(at("2026-03-09")):
        order = world.place()
        to_unit(world, order)
    # An OVERDUE(sign) event recorded while the unit holds it (as the sweep would when the
    # policy keeps the order with the unit), then the late sign-for.
    with clock.travel_to(at("2026-03-11")):
        order.refresh_from_db()
        events.event_row(
            order,
            action=Action.OVERDUE,
            actor=Actor.system(),
            data=events.overdue_data(kind="sign", due=at("2026-03-10"), tier=3),
            at=at("2026-03-11"),
        ).save()
        services.order_sign(order_id=order.pk, actor=world.unit_liaison)
    figures = unit_month_figures(unit=world.unit, month=dt.date(2026, 3, 1))
    assert (figures.orders_received, figures.signed_on_time) == (1, 0)
