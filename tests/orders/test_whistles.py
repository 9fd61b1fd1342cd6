"""小区吹哨、部门报到 (issue 12): blowing the whistle, the department's report and resolve,
their limits from the deadline policy, the sweep's chase and supervision (exactly once),
the order's timeline and the department's scope."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from orders import selectors, services
from orders.errors import OrderError
from orders.lifecycle import WHISTLE_MOVES, Action, Status, WhistleStatus
from orders.models import (
    DeadlinePolicy,
    DeadlineUnit,
    OrderEvent,
    OutboxMessage,
    SupervisionItem,
    SupervisionKind,
    Urgency,
    Whistle,
)
from orders.sweep import run_sweep
from tests.orders.joint_helpers import add_joint
from tests.orders.test_sweep_rules import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def joint(world):
    return add_joint(world)


def blow(world, joint, order, *, department=None, actor=None):
    return services.whistle_blow(
        order_id=order.pk,
        actor=actor or world.dispatcher,
        department=department or joint.market,
        note="商铺占道经营，需市场监管到场",
    )


def test_blowing_sets_the_default_limits_30_minutes_for_emergency_2_hours_otherwise(world, joint):
    with clock.travel_to(T0):
        urgent = world.place(urgency=Urgency.EMERGENCY)
        normal = world.place()
        w1 = blow(world, joint, urgent)
        w2 = blow(world, joint, normal)
    assert w1.report_due_at == T0 + timedelta(minutes=30)
    assert w2.report_due_at == T0 + timedelta(hours=2)
    assert w1.resolve_due_at == T0 + timedelta(hours=24)
    assert w2.resolve_due_at > w2.report_due_at
    assert w1.status == WhistleStatus.BLOWN
    event = OrderEvent.objects.get(order=urgent, action=Action.WHISTLE)
    assert event.to_status == "" and event.data["department"] == "区市场监管局"
    # The department's staff are told, the other department is not.
    assert OutboxMessage.objects.filter(template="whistle_blown", recipient="market").count() == 2
    assert not OutboxMessage.objects.filter(recipient="urban").exists()


def test_the_deadline_policy_configures_the_whistle_limits(world, joint):
    DeadlinePolicy.objects.update_or_create(
        category=world.category,
        urgency=Urgency.NORMAL,
        defaults=dict(
            sign_limit=1,
            sign_unit=DeadlineUnit.HOURS,
            resolve_limit=5,
            resolve_unit=DeadlineUnit.HOURS,
            whistle_report_limit=45,
            whistle_report_unit=DeadlineUnit.MINUTES,
            whistle_resolve_limit=6,
            whistle_resolve_unit=DeadlineUnit.HOURS,
        ),
    )
    with clock.travel_to(T0):
        whistle = blow(world, joint, world.place())
    assert whistle.report_due_at == T0 + timedelta(minutes=45)
    assert whistle.resolve_due_at == T0 + timedelta(hours=6)


def test_report_then_resolve_in_time_shows_on_the_timeline_and_nothing_is_supervised(world, joint):
    with clock.travel_to(T0):
        order = world.place()
        whistle = blow(world, joint, order)
    with clock.travel_to(T0 + timedelta(minutes=20)):
        services.whistle_report(whistle_id=whistle.pk, actor=joint.market_staff, note="已到场")
    with clock.travel_to(T0 + timedelta(hours=1)):
        services.whistle_resolve(
            whistle_id=whistle.pk, actor=joint.market_staff, result_note="已责令整改"
        )
    whistle.refresh_from_db()
    assert whistle.status == WhistleStatus.RESOLVED
    assert whistle.report_sweep_at is None and whistle.resolve_sweep_at is None
    with clock.travel_to(T0 + timedelta(days=10)):
        report = run_sweep(now=T0 + timedelta(days=10))
    assert report.acted.get("whistle_report", 0) == 0
    assert report.acted.get("whistle_resolve", 0) == 0
    actions = list(
        OrderEvent.objects.filter(order=order).order_by("id").values_list("action", flat=True)
    )
    assert actions[:4] == [
        Action.PLACE,
        Action.WHISTLE,
        Action.WHISTLE_REPORT,
        Action.WHISTLE_RESOLVE,
    ]
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DISPATCH  # the order's own status is untouched


def test_overdue_report_is_chased_and_supervised_exactly_once(world, joint):
    with clock.travel_to(T0):
        whistle = blow(world, joint, world.place(urgency=Urgency.EMERGENCY))
    late = T0 + timedelta(minutes=31)
    for _ in range(3):
        with clock.travel_to(late):
            run_sweep(now=late)
    items = SupervisionItem.objects.filter(whistle=whistle)
    assert [i.kind for i in items] == [SupervisionKind.WHISTLE_REPORT_OVERDUE]
    assert OrderEvent.objects.filter(action=Action.WHISTLE_OVERDUE).count() == 1
    assert OutboxMessage.objects.filter(template="whistle_chase").count() == 1
    whistle.refresh_from_db()
    assert whistle.report_overdue_at == late and whistle.report_sweep_at is None
    # Reporting late still works; then the resolve limit passes too: one more item.
    services.whistle_report(whistle_id=whistle.pk, actor=joint.market_staff)
    later = T0 + timedelta(hours=25)
    for _ in range(2):
        with clock.travel_to(later):
            run_sweep(now=later)
    assert sorted(
        SupervisionItem.objects.filter(whistle=whistle).values_list("kind", flat=True)
    ) == [
        SupervisionKind.WHISTLE_REPORT_OVERDUE,
        SupervisionKind.WHISTLE_RESOLVE_OVERDUE,
    ]


def test_two_whistles_on_one_order_are_supervised_each(world, joint):
    with clock.travel_to(T0):
        order = world.place()
        first = blow(world, joint, order)
        second = blow(world, joint, order, department=joint.urban)
    late = T0 + timedelta(hours=3)
    with clock.travel_to(late):
        report = run_sweep(now=late)
    assert report.acted["whistle_report"] == 2
    assert SupervisionItem.objects.filter(whistle__in=[first, second]).count() == 2


def test_a_cancelled_order_ends_the_follow_up_quietly(world, joint):
    with clock.travel_to(T0):
        order = world.place()
        whistle = blow(world, joint, order)
        services.order_cancel(order_id=order.pk, reason="resident")
    late = T0 + timedelta(hours=3)
    with clock.travel_to(late):
        run_sweep(now=late)
    whistle.refresh_from_db()
    assert whistle.report_sweep_at is None
    assert not SupervisionItem.objects.filter(whistle=whistle).exists()


@pytest.mark.parametrize("action", list(WHISTLE_MOVES))
@pytest.mark.parametrize("status", list(WhistleStatus.values))
def test_every_whistle_move_from_every_status(world, joint, action, status):
    """The whistle's table, exhaustively: a move either happens with one event or is
    refused with nothing written."""
    order = world.place()
    whistle = blow(world, joint, order)
    if status in (WhistleStatus.REPORTED, WhistleStatus.RESOLVED):
        services.whistle_report(whistle_id=whistle.pk, actor=joint.market_staff)
    if status == WhistleStatus.RESOLVED:
        services.whistle_resolve(whistle_id=whistle.pk, actor=joint.market_staff, result_note="好")
    if status == WhistleStatus.WITHDRAWN:
        services.whistle_withdraw(whistle_id=whistle.pk, actor=world.dispatcher, reason="派错")
    before = OrderEvent.objects.count()
    sources, targets = WHISTLE_MOVES[action]

    def call(actor):
        if action == Action.WHISTLE_REPORT:
            return services.whistle_report(whistle_id=whistle.pk, actor=actor)
        if action == Action.WHISTLE_RESOLVE:
            return services.whistle_resolve(
                whistle_id=whistle.pk, actor=actor, result_note="已处理"
            )
        return services.whistle_withdraw(whistle_id=whistle.pk, actor=actor, reason="不需要了")

    # Someone entitled to the move, but not whoever made the last one (no repeat no-op).
    entitled = world.street_official if action == Action.WHISTLE_WITHDRAW else joint.market_staff
    if status in sources:
        moved = call(entitled)
        assert moved.status in targets
        assert OrderEvent.objects.count() == before + 1
        assert OrderEvent.objects.latest("id").action == action
    else:
        other = joint.urban_staff if action != Action.WHISTLE_WITHDRAW else world.street_official
        with pytest.raises(OrderError) as exc:
            call(other)
        assert exc.value.code == "illegal_move"
        assert OrderEvent.objects.count() == before
        assert Whistle.objects.get(pk=whistle.pk).status == status


def test_a_double_click_on_report_is_a_no_op(world, joint):
    whistle = blow(world, joint, world.place())
    services.whistle_report(whistle_id=whistle.pk, actor=joint.market_staff)
    services.whistle_report(whistle_id=whistle.pk, actor=joint.market_staff)
    assert OrderEvent.objects.filter(action=Action.WHISTLE_REPORT).count() == 1


def test_who_may_blow_report_and_withdraw(world, joint):
    order = world.place()
    for outsider in (world.property_manager, world.other_dispatcher, joint.market_staff):
        with pytest.raises(OrderError) as exc:
            blow(world, joint, order, actor=outsider)
        assert exc.value.code == "forbidden"
    blow(world, joint, order, actor=world.street_official)  # street officials may too
    whistle = Whistle.objects.get(order=order)
    with pytest.raises(OrderError) as exc:
        services.whistle_report(whistle_id=whistle.pk, actor=joint.urban_staff)
    assert exc.value.code == "forbidden"
    with pytest.raises(OrderError):
        services.whistle_withdraw(whistle_id=whistle.pk, actor=joint.market_staff, reason="x")


def test_bad_input_is_refused_and_writes_nothing(world, joint):
    order = world.place()
    before = OrderEvent.objects.count()
    with pytest.raises(OrderError):
        services.whistle_blow(order_id=order.pk, actor=world.dispatcher, department=None, note="x")
    with pytest.raises(OrderError):
        services.whistle_blow(
            order_id=order.pk, actor=world.dispatcher, department=joint.market, note="  "
        )
    joint.urban.is_active = False
    joint.urban.save()
    with pytest.raises(OrderError):
        blow(world, joint, order, department=joint.urban)
    blow(world, joint, order)
    with pytest.raises(OrderError) as exc:  # the same department, still open
        services.whistle_blow(
            order_id=order.pk, actor=world.street_official, department=joint.market, note="再吹"
        )
    assert exc.value.code == "already_whistled"
    assert OrderEvent.objects.count() == before + 1
    whistle = Whistle.objects.get(order=order)
    services.whistle_report(whistle_id=whistle.pk, actor=joint.market_staff)
    with pytest.raises(OrderError):
        services.whistle_resolve(whistle_id=whistle.pk, actor=joint.market_staff, result_note="")


def test_a_department_sees_only_what_was_whistled_to_it(world, joint):
    seen = world.place()
    unseen = world.place()
    other_whistle = blow(world, joint, world.place(), department=joint.urban)
    blow(world, joint, seen)
    mine = set(selectors.orders_for_user(user=joint.market_staff).values_list("pk", flat=True))
    assert mine == {seen.pk}
    assert unseen.pk not in mine
    services.whistle_withdraw(
        whistle_id=other_whistle.pk, actor=world.dispatcher, reason="派错部门"
    )
    assert not selectors.orders_for_user(user=joint.urban_staff).exists()
