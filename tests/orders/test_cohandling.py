"""Co-handling (协办, issue 12): the co-handler's moves as a table — every action from every
co-handler status, with the order being handled or not — and the flow: the lead resolves
the order, the co-handlers' parts stand in its timeline, scope follows the co-handling."""

from __future__ import annotations

import pytest

from grids.access import access_for
from orders import selectors, services
from orders.authority import joint_scope_q
from orders.errors import OrderError
from orders.lifecycle import BEING_HANDLED, CO_MOVES, Action, CoStatus, Status
from orders.models import CoHandler, Order, OrderEvent, OutboxMessage
from orders.timeline import staff_rows
from tests.orders.joint_helpers import add_joint, led_by_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(world):
    return add_joint(world)


def invite(world, joint, order, *, actor=None):
    return services.cohandler_invite(
        order_id=order.pk, actor=actor or world.dispatcher, unit=joint.school, part="组织志愿者"
    )


def drive_co_to(world, joint, status: str):
    order = led_by_unit(world)
    co = invite(world, joint, order)
    if status in (CoStatus.SIGNED, CoStatus.REPORTED):
        services.cohandler_sign(cohandler_id=co.pk, actor=joint.school_liaison)
    if status == CoStatus.REPORTED:
        services.cohandler_report(cohandler_id=co.pk, actor=joint.school_liaison, note="已完成")
    if status == CoStatus.WITHDRAWN:
        services.cohandler_withdraw(cohandler_id=co.pk, actor=world.dispatcher, reason="不需要")
    return order, CoHandler.objects.get(pk=co.pk)


def perform_co(world, joint, action: str, co: CoHandler):
    if action == Action.CO_SIGN:
        return services.cohandler_sign(cohandler_id=co.pk, actor=joint.school_liaison)
    if action == Action.CO_REPORT:
        return services.cohandler_report(
            cohandler_id=co.pk, actor=joint.school_liaison, note="清理完毕"
        )
    assert action == Action.CO_WITHDRAW
    # The lead handler withdraws: not whoever made the last move.
    return services.cohandler_withdraw(
        cohandler_id=co.pk, actor=world.unit_liaison, reason="主办自行解决"
    )


def _repeat(co: CoHandler, action: str, joint) -> bool:
    """The very person repeating the move that put the row where it is: a no-op."""
    return (action == Action.CO_SIGN and co.status == CoStatus.SIGNED) or (
        action == Action.CO_REPORT and co.status == CoStatus.REPORTED
    )


CASES = [
    (action, status, handled)
    for action in CO_MOVES
    for status in CoStatus.values
    for handled in (True, False)
]


@pytest.mark.parametrize(("action", "status", "handled"), CASES)
def test_every_co_action_from_every_status(world, joint, action, status, handled):
    order, co = drive_co_to(world, joint, status)
    if not handled:
        services.order_resolve(order_id=order.pk, actor=world.unit_liaison, result_note="已办结")
    co = CoHandler.objects.get(pk=co.pk)
    before = OrderEvent.objects.count()
    sources, targets = CO_MOVES[action]
    if status in sources and handled:
        moved = perform_co(world, joint, action, co)
        assert moved.status in targets
        assert OrderEvent.objects.count() == before + 1
        event = OrderEvent.objects.latest("id")
        assert event.action == action and event.to_status == ""
        assert event.data["cohandler"] == co.pk
    elif _repeat(co, action, joint):
        # The very person repeating the move that put the row where it is: a no-op.
        perform_co(world, joint, action, co)
        assert OrderEvent.objects.count() == before
    else:
        with pytest.raises(OrderError):
            perform_co(world, joint, action, co)
        assert OrderEvent.objects.count() == before
        assert CoHandler.objects.get(pk=co.pk).status == status


def test_the_table_covers_every_status_and_both_order_states():
    assert {c[1] for c in CASES} == set(CoStatus.values)
    assert len(CASES) == len(CO_MOVES) * len(CoStatus.values) * 2


def test_lead_resolves_with_the_co_handlers_parts_in_the_timeline(world, joint):
    order = led_by_unit(world)
    co = invite(world, joint, order)
    assert OutboxMessage.objects.filter(template="cohandler_invited", recipient="school").exists()
    services.cohandler_sign(cohandler_id=co.pk, actor=joint.school_liaison)
    services.cohandler_report(cohandler_id=co.pk, actor=joint.school_liaison, note="清运垃圾3车")
    assert OutboxMessage.objects.filter(template="cohandler_reported", recipient="liaison").exists()
    services.order_resolve(order_id=order.pk, actor=world.unit_liaison, result_note="整治完毕")
    order.refresh_from_db()
    assert order.status == Status.AWAITING_RATING
    detail = selectors.order_detail_for_user(user=world.dispatcher, order_id=order.pk)
    rows = staff_rows(detail.events)
    actions = [r["event"].action for r in rows]
    assert (
        actions.index(Action.CO_ADD)
        < actions.index(Action.CO_REPORT)
        < actions.index(Action.RESOLVE)
    )
    part = next(r for r in rows if r["event"].action == Action.CO_REPORT)
    assert part["event"].note == "清运垃圾3车" and "实验小学" in part["text"]


def test_inviting_needs_an_order_being_handled_and_a_fitting_unit(world, joint):
    waiting = world.place()
    with pytest.raises(OrderError) as exc:
        invite(world, joint, waiting)
    assert exc.value.code == "not_being_handled"
    order = led_by_unit(world)
    with pytest.raises(OrderError) as exc:  # the lead unit itself
        services.cohandler_invite(
            order_id=order.pk, actor=world.dispatcher, unit=world.unit, part="x"
        )
    assert exc.value.code == "bad_unit"
    with pytest.raises(OrderError):
        services.cohandler_invite(order_id=order.pk, actor=world.dispatcher, unit=None, part="x")
    with pytest.raises(OrderError):
        invite(world, joint, order, actor=world.property_manager)
    invite(world, joint, order, actor=world.unit_liaison)  # the lead handler may invite
    invite(world, joint, order, actor=world.unit_liaison)  # a double submit: no-op
    with pytest.raises(OrderError):  # someone else inviting the same unit again
        invite(world, joint, order)
    assert CoHandler.objects.filter(order=order).count() == 1
    assert set(OrderEvent.objects.filter(order=order).values_list("action", flat=True)) >= {
        Action.CO_ADD
    }


def test_only_the_co_handler_signs_and_reports(world, joint):
    order = led_by_unit(world)
    co = invite(world, joint, order)
    for outsider in (world.unit_liaison, world.dispatcher, world.property_manager):
        with pytest.raises(OrderError) as exc:
            services.cohandler_sign(cohandler_id=co.pk, actor=outsider)
        assert exc.value.code == "forbidden"
    with pytest.raises(OrderError):
        services.cohandler_sign(cohandler_id=999999, actor=joint.school_liaison)


def test_a_co_handling_liaison_sees_the_orders_it_co_handles_only(world, joint):
    """The co-handling part of the scope (``authority.joint_scope_q``), on its own: a
    liaison's area scope comes on top (and may be narrowed to its unit's orders)."""
    order = led_by_unit(world)
    world.place()  # in the community, not co-handled
    access = access_for(joint.school_liaison)

    def joint_seen():
        return set(Order.objects.filter(joint_scope_q(access)).values_list("pk", flat=True))

    assert joint_seen() == set()
    co = invite(world, joint, order)
    assert joint_seen() == {order.pk}
    assert selectors.orders_for_user(user=joint.school_liaison).filter(pk=order.pk).exists()
    services.cohandler_withdraw(cohandler_id=co.pk, actor=world.dispatcher, reason="不需要")
    assert joint_seen() == set()


def test_being_handled_is_what_co_handling_needs():
    assert set(BEING_HANDLED) == {
        Status.AWAITING_SIGN,
        Status.IN_PROGRESS,
        Status.EXTENSION_REQUESTED,
    }
