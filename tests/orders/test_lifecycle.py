"""The lifecycle table, exhaustively: every (action, status) pair either moves the order and
writes one event, or is refused and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import services
from orders.errors import OrderError
from orders.lifecycle import MOVES, Action, QueueReason, Status, Tier, allowed_actions
from orders.models import CancelReason, Order, OrderEvent, Rating


@pytest.fixture
def pool_member(world):
    """A verified party member of the world's community (the open pool's claimer)."""
    from tests.parties.helpers import verified_member

    world.member = verified_member(world)
    return world.member


def drive_to(world, status: str, *, pooled: bool = False) -> Order:
    """Put a fresh order into ``status`` through the services only; ``pooled``: reach
    办理中 / 延期待审 through the open pool (claimed by ``world.member``)."""
    order = world.place()
    if status == Status.AWAITING_DISPATCH:
        return order
    if status == Status.IN_POOL or (
        pooled and status in (Status.IN_PROGRESS, Status.EXTENSION_REQUESTED)
    ):
        services.order_to_pool(order_id=order.pk, actor=world.dispatcher)
        if status == Status.IN_POOL:
            return Order.objects.get(pk=order.pk)
        services.order_claim(order_id=order.pk, actor=world.member.user)
        if status == Status.IN_PROGRESS:
            return Order.objects.get(pk=order.pk)
        return services.order_request_extension(
            order_id=order.pk,
            actor=world.member.user,
            until=timezone.now() + timedelta(days=30),
            reason="需要联系物业配合",
        )
    if status == Status.CANCELLED:
        return services.order_cancel(order_id=order.pk, reason=CancelReason.RESIDENT)
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    if status == Status.AWAITING_SIGN:
        return Order.objects.get(pk=order.pk)
    services.order_sign(order_id=order.pk, actor=world.property_manager)
    if status == Status.IN_PROGRESS:
        return Order.objects.get(pk=order.pk)
    if status == Status.EXTENSION_REQUESTED:
        return services.order_request_extension(
            order_id=order.pk,
            actor=world.property_manager,
            until=timezone.now() + timedelta(days=30),
            reason="需要采购配件",
        )
    services.order_resolve(
        order_id=order.pk, actor=world.property_manager, result_note="已更换灯泡"
    )
    if status == Status.AWAITING_RATING:
        return Order.objects.get(pk=order.pk)
    assert status == Status.CLOSED
    return services.order_rate(order_id=order.pk, rating=Rating.SATISFIED)


def perform(world, action: str, order: Order) -> Order:
    """Perform ``action`` with valid arguments by the actor entitled to it."""
    pk = order.pk
    if action == Action.DISPATCH:
        return services.order_dispatch(
            order_id=pk, actor=world.dispatcher, tier=Tier.GRID, handler_user=world.grid_leader
        )
    if action == Action.SIGN:
        return services.order_sign(order_id=pk, actor=world.property_manager)
    if action == Action.RETURN:
        return services.order_return(
            order_id=pk, actor=world.property_manager, reason="不属于物业职责"
        )
    if action == Action.REQUEST_EXTENSION:
        return services.order_request_extension(
            order_id=pk,
            actor=world.property_manager,
            until=timezone.now() + timedelta(days=60),
            reason="等待配件",
        )
    if action == Action.APPROVE_EXTENSION:
        return services.order_approve_extension(order_id=pk, actor=world.dispatcher)
    if action == Action.REFUSE_EXTENSION:
        return services.order_refuse_extension(
            order_id=pk, actor=world.dispatcher, note="请按期办结"
        )
    if action == Action.ESCALATE:
        return services.order_escalate(order_id=pk, actor=world.dispatcher, reason="物业无力解决")
    if action == Action.RESOLVE:
        return services.order_resolve(
            order_id=pk, actor=world.property_manager, result_note="已修好"
        )
    if action == Action.RATE:
        return services.order_rate(order_id=pk, rating=Rating.BASIC, comment="还行")
    if action == Action.CLOSE_UNRATED:
        return services.order_close_unrated(order_id=pk)
    if action == Action.CANCEL:
        return services.order_cancel(
            order_id=pk, actor=world.dispatcher, reason=CancelReason.INVALID, note="测试数据"
        )
    if action == Action.MERGE:
        original = world.place(description="同一盏楼道灯")
        return services.order_merge(order_id=pk, actor=world.dispatcher, into=original)
    if action == Action.TO_POOL:
        return services.order_to_pool(order_id=pk, actor=world.dispatcher, note="适合党员认领")
    if action == Action.WITHDRAW_POOL:
        return services.order_withdraw_from_pool(
            order_id=pk, actor=world.dispatcher, reason="久无人接，改为派单"
        )
    if action == Action.CLAIM:
        return services.order_claim(order_id=pk, actor=world.member.user)
    if action == Action.RETURN_TO_POOL:
        return services.order_return_to_pool(
            order_id=pk, actor=world.member.user, reason="本周出差，无法继续"
        )
    if action == Action.UNIT_CLAIM:  # issue 12
        return services.order_unit_claim(order_id=pk, actor=world.unit_liaison, unit=world.unit)
    raise AssertionError(action)


PAIRS = [(action, status) for action in MOVES for status in Status.values]


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_every_action_from_every_status(world, pool_member, action, status):
    order = drive_to(world, status, pooled=action == Action.RETURN_TO_POOL)
    assert order.status == status
    events_before = OrderEvent.objects.filter(order=order).count()
    sources, targets = MOVES[action]

    if status in sources:
        moved = perform(world, action, order)
        moved.refresh_from_db()
        assert moved.status in targets
        new_events = OrderEvent.objects.filter(order=order).order_by("id")[events_before:]
        # One status event per move; DUE_CHANGED events (to_status "") may follow it.
        status_events = [e for e in new_events if e.to_status != ""]
        assert [(e.action, e.from_status, e.to_status) for e in status_events] == [
            (action, status, moved.status)
        ]
        assert all(e.action == Action.DUE_CHANGED for e in new_events if e.to_status == "")
    else:
        last_move = order.events.exclude(to_status="").order_by("-id").first()
        try:
            perform(world, action, order)
        except OrderError as refused:
            assert refused.code == "illegal_move"
        else:
            # Only the same actor repeating the very move that put the order here is
            # accepted — as a no-op.
            assert last_move.action == action
        order.refresh_from_db()
        assert order.status == status
        assert OrderEvent.objects.filter(order=order).count() == events_before


def test_allowed_actions_matches_table():
    assert set(allowed_actions(Status.IN_PROGRESS)) == {
        Action.RETURN,
        Action.REQUEST_EXTENSION,
        Action.ESCALATE,
        Action.RESOLVE,
        Action.CANCEL,
        Action.RETURN_TO_POOL,
    }
    assert set(allowed_actions(Status.IN_POOL)) == {
        Action.WITHDRAW_POOL,
        Action.CLAIM,
        Action.CANCEL,
    }
    assert allowed_actions(Status.CLOSED) == []
    assert allowed_actions(Status.CANCELLED) == []


def test_place_writes_one_event_and_a_reference(world):
    order = world.place()
    assert order.reference.startswith("LX-" + timezone.localdate().strftime("%Y%m%d") + "-")
    second = world.place()
    assert int(second.reference[-4:]) == int(order.reference[-4:]) + 1
    assert order.tracking_token != second.tracking_token and len(order.tracking_token) >= 32
    assert list(order.events.values_list("action", "to_status")) == [
        (Action.PLACE, Status.AWAITING_DISPATCH)
    ]
    assert order.queue_reason == QueueReason.NEW
    assert order.tier == world.category.default_tier


def test_double_submit_by_the_same_actor_is_a_no_op(world):
    order = drive_to(world, Status.AWAITING_SIGN)
    services.order_sign(order_id=order.pk, actor=world.property_manager)
    count = order.events.count()
    again = services.order_sign(order_id=order.pk, actor=world.property_manager)
    assert again.status == Status.IN_PROGRESS
    assert order.events.count() == count


def test_second_dispatcher_is_told_what_happened(world):
    order = world.place()
    services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    with pytest.raises(OrderError) as refused:
        services.order_dispatch(
            order_id=order.pk,
            actor=world.street_official,
            tier=Tier.GRID,
            handler_user=world.grid_leader,
        )
    assert "待签收" in refused.value.message
    assert world.dispatcher.username in refused.value.message
    assert "派单" in refused.value.message


def test_only_the_handler_signs(world):
    order = drive_to(world, Status.AWAITING_SIGN)
    with pytest.raises(OrderError) as refused:
        services.order_sign(order_id=order.pk, actor=world.grid_leader)
    assert refused.value.code == "forbidden"
    assert Order.objects.get(pk=order.pk).status == Status.AWAITING_SIGN


def test_dispatcher_of_another_community_cannot_dispatch(world):
    order = world.place()
    with pytest.raises(OrderError) as refused:
        services.order_dispatch(
            order_id=order.pk,
            actor=world.other_dispatcher,
            tier=Tier.PROPERTY,
            handler_user=world.property_manager,
        )
    assert refused.value.code == "forbidden"


def test_dispatch_to_a_handler_outside_the_area_is_refused(world):
    order = world.place()
    with pytest.raises(OrderError) as refused:
        services.order_dispatch(
            order_id=order.pk,
            actor=world.dispatcher,
            tier=Tier.PROPERTY,
            handler_user=world.other_property_manager,
        )
    assert refused.value.code == "bad_handler"
    assert Order.objects.get(pk=order.pk).status == Status.AWAITING_DISPATCH


def test_return_goes_back_to_the_queue_marked_returned(world):
    order = drive_to(world, Status.AWAITING_SIGN)
    services.order_return(order_id=order.pk, actor=world.property_manager, reason="不在我们小区")
    order.refresh_from_db()
    assert (order.status, order.queue_reason, order.handler_user_id, order.return_count) == (
        Status.AWAITING_DISPATCH,
        QueueReason.RETURNED,
        None,
        1,
    )
    with pytest.raises(OrderError):
        services.order_return(
            order_id=drive_to(world, Status.AWAITING_SIGN).pk,
            actor=world.property_manager,
            reason="  ",
        )


def test_escalate_picks_the_next_tier_handler(world):
    order = drive_to(world, Status.IN_PROGRESS)
    services.order_escalate(order_id=order.pk, actor=world.dispatcher, reason="物业无法处理")
    order.refresh_from_db()
    assert (order.status, order.tier, order.handler_user_id) == (
        Status.AWAITING_SIGN,
        Tier.GRID,
        world.grid_leader.pk,
    )
    # Tier 3 has one member unit in this community, so it is the obvious handler.
    services.order_escalate(order_id=order.pk, actor=None, reason="签收超时")
    order.refresh_from_db()
    assert (order.tier, order.handler_unit_id) == (Tier.MEMBER_UNIT, world.unit.pk)
    services.order_sign(order_id=order.pk, actor=world.unit_liaison)
    services.order_escalate(order_id=order.pk, actor=world.dispatcher, reason="需联席会议协商")
    order.refresh_from_db()
    assert (order.tier, order.handler_user_id) == (Tier.STREET, world.street_official.pk)
    with pytest.raises(OrderError) as refused:
        services.order_escalate(order_id=order.pk, actor=world.dispatcher, reason="再升")
    assert refused.value.code == "top_tier"


def test_escalation_without_an_obvious_handler_waits_in_the_queue(world):
    from grids.models import MemberUnit

    MemberUnit.objects.create(name="供电所", community=world.community)
    order = drive_to(world, Status.AWAITING_SIGN)
    services.order_dispatch  # noqa: B018 - documented: tier 2 next
    services.order_escalate(order_id=order.pk, actor=world.dispatcher, reason="物业无法处理")
    services.order_escalate(order_id=order.pk, actor=world.dispatcher, reason="网格无法处理")
    order.refresh_from_db()
    assert (order.status, order.queue_reason, order.tier) == (
        Status.AWAITING_DISPATCH,
        QueueReason.ESCALATED,
        3,
    )


def test_dissatisfied_rating_reopens_one_tier_up(world):
    order = drive_to(world, Status.AWAITING_RATING)
    services.order_rate(order_id=order.pk, rating=Rating.DISSATISFIED, comment="灯还是不亮")
    order.refresh_from_db()
    assert (order.status, order.queue_reason, order.tier, order.redo_count) == (
        Status.AWAITING_DISPATCH,
        QueueReason.REDO,
        Tier.GRID,
        1,
    )
    services.order_dispatch(
        order_id=order.pk, actor=world.dispatcher, tier=Tier.GRID, handler_user=world.grid_leader
    )
    services.order_sign(order_id=order.pk, actor=world.grid_leader)
    services.order_resolve(order_id=order.pk, actor=world.grid_leader, result_note="更换了线路")
    services.order_rate(order_id=order.pk, rating=Rating.SATISFIED)
    order.refresh_from_db()
    assert (order.status, order.rating, order.redo_count) == (Status.CLOSED, Rating.SATISFIED, 1)
    assert order.closed_at is not None


def test_resident_cannot_cancel_after_sign_for(world):
    order = drive_to(world, Status.IN_PROGRESS)
    with pytest.raises(OrderError) as refused:
        services.order_cancel(order_id=order.pk, reason=CancelReason.RESIDENT)
    assert refused.value.code == "already_signed"


def test_staff_cancel_as_duplicate_links_the_original(world):
    original = world.place()
    dup = world.place()
    with pytest.raises(OrderError):
        services.order_cancel(
            order_id=dup.pk, actor=world.dispatcher, reason=CancelReason.DUPLICATE
        )
    services.order_cancel(
        order_id=dup.pk,
        actor=world.dispatcher,
        reason=CancelReason.DUPLICATE,
        duplicate_of=original,
    )
    dup.refresh_from_db()
    assert (dup.status, dup.duplicate_of_id) == (Status.CANCELLED, original.pk)


def test_extension_approval_moves_the_due_time(world):
    order = drive_to(world, Status.IN_PROGRESS)
    until = order.resolve_due_at + timedelta(days=5)
    services.order_request_extension(
        order_id=order.pk, actor=world.property_manager, until=until, reason="等配件"
    )
    services.order_approve_extension(order_id=order.pk, actor=world.dispatcher)
    order.refresh_from_db()
    assert order.resolve_due_at == until and order.status == Status.IN_PROGRESS


def test_extension_to_an_earlier_date_is_refused(world):
    order = drive_to(world, Status.IN_PROGRESS)
    with pytest.raises(OrderError) as refused:
        services.order_request_extension(
            order_id=order.pk,
            actor=world.property_manager,
            until=timezone.now() - timedelta(hours=1),
            reason="x",
        )
    assert refused.value.code == "bad_date"
    assert Order.objects.get(pk=order.pk).status == Status.IN_PROGRESS


def test_unit_liaison_handles_tier_three(world):
    order = world.place()
    services.order_dispatch(
        order_id=order.pk, actor=world.dispatcher, tier=Tier.MEMBER_UNIT, handler_unit=world.unit
    )
    services.order_sign(order_id=order.pk, actor=world.unit_liaison)
    services.order_resolve(order_id=order.pk, actor=world.unit_liaison, result_note="已协调处理")
    assert Order.objects.get(pk=order.pk).status == Status.AWAITING_RATING


def test_a_move_on_a_stale_page_is_refused_even_when_the_status_is_unchanged(world):
    order = drive_to(world, Status.AWAITING_SIGN)
    seen = services.order_version(order_id=order.pk)
    services.order_escalate(
        order_id=order.pk,
        actor=world.dispatcher,
        reason="物业未签收",
        expected_status=Status.AWAITING_SIGN,
        expected_version=seen,
    )
    with pytest.raises(OrderError) as refused:
        services.order_escalate(
            order_id=order.pk,
            actor=world.street_official,
            reason="督办升级",
            expected_status=Status.AWAITING_SIGN,
            expected_version=seen,
        )
    assert "升级" in refused.value.message and world.dispatcher.username in refused.value.message
    order.refresh_from_db()
    assert (order.tier, order.escalation_count) == (Tier.GRID, 1)
    # The same dispatcher's double submit of that escalation is a no-op, not a second climb.
    services.order_escalate(
        order_id=order.pk,
        actor=world.dispatcher,
        reason="物业未签收",
        expected_status=Status.AWAITING_SIGN,
        expected_version=seen,
    )
    order.refresh_from_db()
    assert (order.tier, order.escalation_count) == (Tier.GRID, 1)
