"""The deadline policy per category and urgency, its fallback, and DUE_CHANGED events."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core import clock
from orders import deadlines, services
from orders.calendar import SHANGHAI
from orders.lifecycle import Action, Tier
from orders.models import Category, DeadlinePolicy, Urgency

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)


def dispatched(world, **place):
    with clock.travel_to(MONDAY_10):
        order = world.place(**place)
        return services.order_dispatch(
            order_id=order.pk,
            actor=world.dispatcher,
            tier=Tier.PROPERTY,
            handler_user=world.property_manager,
        )


def test_general_matter_seven_working_days_sign_one_working_day(world):
    order = dispatched(world)
    assert order.sign_due_at == datetime(2026, 3, 10, 10, tzinfo=SHANGHAI)
    assert order.resolve_due_at == datetime(2026, 3, 18, 10, tzinfo=SHANGHAI)
    assert MONDAY_10 < order.chase_due_at < order.resolve_due_at


def test_utilities_24_hours_round_the_clock_urgent_signs_in_two_working_hours(world):
    order = dispatched(
        world, category=Category.objects.get(code="utilities"), urgency=Urgency.URGENT
    )
    assert order.resolve_due_at == MONDAY_10 + timedelta(hours=24)
    assert order.sign_due_at == MONDAY_10 + timedelta(hours=2)
    # 75% of a round-the-clock limit is 75% of the elapsed time.
    assert order.chase_due_at == MONDAY_10 + timedelta(hours=18)


def test_emergency_two_hours(world):
    order = dispatched(world, urgency=Urgency.EMERGENCY)
    assert order.resolve_due_at == MONDAY_10 + timedelta(hours=2)
    assert order.sign_due_at == MONDAY_10 + timedelta(hours=1)


def test_complex_matter_fifteen_working_days(world):
    order = dispatched(world, category=Category.objects.get(code="dispute"))
    # 15 working days from Mon 9 Mar 2026 (no holidays in between) is Mon 30 Mar.
    assert order.resolve_due_at == datetime(2026, 3, 30, 10, tzinfo=SHANGHAI)


def test_without_a_policy_row_the_category_hours_apply(world):
    DeadlinePolicy.objects.filter(category=world.category).delete()
    world.category.sign_for_hours, world.category.resolve_hours = 5, 50
    world.category.save()
    order = dispatched(world)
    assert order.sign_due_at == MONDAY_10 + timedelta(hours=5)
    assert order.resolve_due_at == MONDAY_10 + timedelta(hours=50)


def test_sign_due_is_never_after_the_resolution_due(world):
    DeadlinePolicy.objects.filter(category=world.category, urgency=Urgency.NORMAL).update(
        sign_limit=10, sign_unit="working_days", resolve_limit=3, resolve_unit="hours"
    )
    order = dispatched(world)
    assert order.sign_due_at == order.resolve_due_at == MONDAY_10 + timedelta(hours=3)


def test_every_due_time_change_is_an_event(world):
    order = dispatched(world)
    changes = list(order.events.filter(action=Action.DUE_CHANGED).values_list("data", flat=True))
    assert {c["field"] for c in changes} == {"sign_due_at", "resolve_due_at"}
    assert all(c["old"] is None for c in changes)
    with clock.travel_to(MONDAY_10 + timedelta(hours=1)):
        services.order_sign(order_id=order.pk, actor=world.property_manager)
        until = order.resolve_due_at + timedelta(days=5)
        services.order_request_extension(
            order_id=order.pk, actor=world.property_manager, until=until, reason="等配件"
        )
        services.order_approve_extension(order_id=order.pk, actor=world.dispatcher)
    last = order.events.filter(action=Action.DUE_CHANGED).order_by("-id").first()
    assert last.data["field"] == "resolve_due_at"
    assert datetime.fromisoformat(last.data["old"]) == order.resolve_due_at
    assert datetime.fromisoformat(last.data["new"]) == until
    assert last.actor == world.dispatcher
    # The status event comes first; the due change follows it.
    approve = order.events.get(action=Action.APPROVE_EXTENSION)
    assert approve.id < last.id


@pytest.mark.django_db
def test_seeded_policies_cover_every_category_and_urgency():
    assert DeadlinePolicy.objects.count() == Category.objects.count() * 3
    utilities = DeadlinePolicy.objects.get(category__code="utilities", urgency=Urgency.NORMAL)
    assert (utilities.resolve_limit, utilities.resolve_unit, float(utilities.chase_share)) == (
        24,
        "hours",
        0.75,
    )


def test_limits_are_read_once_per_order(world, django_assert_max_num_queries):
    order = dispatched(world)
    with django_assert_max_num_queries(3):
        deadlines.sign_due(order=order, start=MONDAY_10)
        deadlines.resolve_due(order=order, start=MONDAY_10)
