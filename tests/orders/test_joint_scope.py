"""Issue 12 in the role × scope table of orders: a department sees only what was whistled
to it (withdrawn whistles aside); a co-handling unit's liaison sees the orders it
co-handles — through every scoped read (``orders_for_user``, the detail page)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders import selectors, services
from tests.orders.joint_helpers import add_joint, led_by_unit

pytestmark = pytest.mark.django_db

# (who, which order, visible)
CASES = [
    ("market_staff", "whistled_to_market", True),
    ("market_staff", "whistled_to_urban", False),
    ("market_staff", "withdrawn_from_market", False),
    ("market_staff", "plain", False),
    ("market_staff", "cohandled_by_school", False),
    ("urban_staff", "whistled_to_urban", True),
    ("urban_staff", "whistled_to_market", False),
    ("school_liaison", "cohandled_by_school", True),
    ("school_liaison", "other_community", False),
    ("dispatcher", "whistled_to_market", True),
    ("dispatcher", "cohandled_by_school", True),
    ("dispatcher", "other_community", False),
    ("other_dispatcher", "whistled_to_market", False),
    ("other_dispatcher", "cohandled_by_school", False),
]


@pytest.fixture
def scene(world):
    joint = add_joint(world)

    def whistled(department):
        order = world.place()
        services.whistle_blow(
            order_id=order.pk, actor=world.dispatcher, department=department, note="到场"
        )
        return order

    withdrawn = whistled(joint.market)
    services.whistle_withdraw(
        whistle_id=withdrawn.whistles.get().pk, actor=world.dispatcher, reason="派错"
    )
    cohandled = led_by_unit(world)
    services.cohandler_invite(
        order_id=cohandled.pk, actor=world.dispatcher, unit=joint.school, part="协助"
    )
    orders = {
        "whistled_to_market": whistled(joint.market),
        "whistled_to_urban": whistled(joint.urban),
        "withdrawn_from_market": withdrawn,
        "plain": world.place(),
        "cohandled_by_school": cohandled,
        "other_community": world.place(area=world.other_microgrid),
    }
    people = {
        "market_staff": joint.market_staff,
        "urban_staff": joint.urban_staff,
        "school_liaison": joint.school_liaison,
        "dispatcher": world.dispatcher,
        "other_dispatcher": world.other_dispatcher,
    }
    return people, orders


@pytest.mark.parametrize(("who", "which", "visible"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_joint_scope_table(scene, client, who, which, visible):
    people, orders = scene
    user, order = people[who], orders[which]
    assert selectors.orders_for_user(user=user).filter(pk=order.pk).exists() is visible
    client.force_login(user)
    status = client.get(reverse("orders:staff_order", args=[order.pk])).status_code
    assert status == (200 if visible else 404)
