"""A member unit's liaison places orders on a resident's behalf and claims (认领) open
orders in its unit's communities (issue 12) — through the one lifecycle writer."""

from __future__ import annotations

import pytest

from grids import access
from grids.models import MemberUnit
from orders import services
from orders.errors import OrderError
from orders.lifecycle import Action, Status, Tier
from orders.models import Channel, Nature, OrderEvent, Urgency

pytestmark = pytest.mark.django_db


def test_a_liaison_claims_an_open_order_of_its_community(world):
    order = world.place()
    claimed = services.order_unit_claim(
        order_id=order.pk, actor=world.unit_liaison, unit=world.unit, expected_status=order.status
    )
    claimed.refresh_from_db()
    assert claimed.status == Status.IN_PROGRESS
    assert (claimed.tier, claimed.handler_unit_id) == (Tier.MEMBER_UNIT, world.unit.pk)
    assert claimed.signed_at is not None and claimed.sign_due_at is None
    assert claimed.resolve_due_at is not None and claimed.dispatch_due_at is None
    event = OrderEvent.objects.filter(order=order).exclude(to_status="").latest("id")
    assert (event.action, event.data["unit"]) == (Action.UNIT_CLAIM, "区城管局")
    # The unit handles it from here: resolve through the usual move.
    services.order_resolve(order_id=order.pk, actor=world.unit_liaison, result_note="已处理")


def test_claims_are_refused_outside_the_units_communities_and_for_others(world):
    other = world.place(area=world.other_microgrid)
    with pytest.raises(OrderError) as exc:
        services.order_unit_claim(order_id=other.pk, actor=world.unit_liaison, unit=world.unit)
    assert exc.value.code == "forbidden"
    order = world.place()
    stranger_unit = MemberUnit.objects.create(name="外单位", community=world.other_community)
    with pytest.raises(OrderError):  # not the liaison's unit
        services.order_unit_claim(order_id=order.pk, actor=world.unit_liaison, unit=stranger_unit)
    with pytest.raises(OrderError):
        services.order_unit_claim(order_id=order.pk, actor=world.dispatcher, unit=world.unit)
    with pytest.raises(OrderError):
        services.order_unit_claim(order_id=order.pk, actor=world.unit_liaison, unit=None)
    world.unit.is_active = False
    world.unit.save()
    with pytest.raises(OrderError):
        services.order_unit_claim(order_id=order.pk, actor=world.unit_liaison, unit=world.unit)
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH


def test_the_communities_a_unit_works_in_are_one_function(world):
    assert access.unit_community_paths([world.unit.pk]) == [world.community.path]
    assert access.unit_community_paths([]) == []
    assert access.liaison_paths(world.unit_liaison) == [world.community.path]
    assert access.liaison_paths(world.dispatcher) == []


def test_a_paired_community_or_compound_adds_its_community(world, django_assert_num_queries):
    """结对包建 (issue 12): a unit paired with a compound of another community may claim
    and enter orders there too; an inactive unit serves nowhere."""
    world.unit.paired_areas.add(world.other_microgrid.parent)  # a compound of LX02
    with django_assert_num_queries(1):
        paths = access.unit_community_paths([world.unit.pk])
    assert paths == sorted([world.community.path, world.other_community.path])
    other = world.place(area=world.other_microgrid)
    claimed = services.order_unit_claim(
        order_id=other.pk, actor=world.unit_liaison, unit=world.unit
    )
    assert claimed.handler_unit_id == world.unit.pk
    MemberUnit.objects.filter(pk=world.unit.pk).update(is_active=False)
    assert access.unit_community_paths([world.unit.pk]) == []


def test_a_liaison_places_an_order_on_a_residents_behalf_in_its_community(world):
    fields = dict(
        category=world.category,
        description="独居老人家中水管漏水",
        resident_phone="",
        resident_name="李大爷",
        nature=Nature.HELP,
        urgency=Urgency.NORMAL,
        channel=Channel.HOTLINE,
        placed_by=world.unit_liaison,
    )
    order = services.order_place(area=world.microgrid, **fields)
    assert order.placed_by == world.unit_liaison
    with pytest.raises(OrderError) as exc:
        services.order_place(area=world.other_microgrid, **fields)
    assert exc.value.code == "forbidden"
