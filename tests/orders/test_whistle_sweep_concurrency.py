"""Whistle deadlines swept exactly once (PostgreSQL, issue 12): two sweeps at the same
moment on the same overdue whistles — each produces exactly one chase and one
supervision item, through the set-based bulk path and the row-by-row path alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings

from core import clock
from orders import services
from orders.lifecycle import Action
from orders.models import (
    OrderEvent,
    OutboxMessage,
    SupervisionItem,
    SupervisionKind,
    Urgency,
    Whistle,
)
from orders.sweep import run_sweep
from tests.orders.conftest import build_world
from tests.orders.joint_helpers import add_joint
from tests.orders.test_sweep_concurrency import run_in_threads
from tests.orders.test_sweep_rules import T0

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL (set DATABASE_URL)")


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "row_by_row"])
def test_two_concurrent_sweeps_supervise_each_overdue_whistle_exactly_once(bulk):
    world = build_world()
    joint = add_joint(world)
    with clock.travel_to(T0):
        ids = []
        for i in range(24):
            order = world.place(urgency=Urgency.EMERGENCY if i % 2 else Urgency.NORMAL)
            for department in (joint.market, joint.urban) if i % 3 == 0 else (joint.market,):
                ids.append(
                    services.whistle_blow(
                        order_id=order.pk,
                        actor=world.dispatcher,
                        department=department,
                        note="请到场",
                    ).pk
                )
        reported = ids[:6]
        for pk in reported:
            services.whistle_report(whistle_id=pk, actor=_staff(joint, pk))
    overdue = [pk for pk in ids if pk not in reported]
    moment = T0 + timedelta(hours=3)  # past every report limit, before any resolve limit

    with override_settings(SIDAN_SWEEP_BULK=bulk), clock.travel_to(moment):
        reports = run_in_threads(2, lambda i: run_sweep(now=moment, batch_size=5))

    assert sum(r.acted.get("whistle_report", 0) for r in reports) == len(overdue)
    assert not any(r.failed for r in reports)
    for pk in overdue:
        items = SupervisionItem.objects.filter(whistle_id=pk)
        assert [i.kind for i in items] == [SupervisionKind.WHISTLE_REPORT_OVERDUE]
        assert (
            OrderEvent.objects.filter(action=Action.WHISTLE_OVERDUE, data__whistle=pk).count() == 1
        )
    assert OutboxMessage.objects.filter(template="whistle_chase").count() == len(overdue)
    for pk in reported:
        assert not SupervisionItem.objects.filter(whistle_id=pk).exists()
    # A third sweep finds nothing left to do.
    with clock.travel_to(moment):
        again = run_sweep(now=moment)
    assert again.acted.get("whistle_report", 0) == 0
    assert Whistle.objects.filter(report_sweep_at__isnull=False).count() == 0


def _staff(joint, whistle_pk):
    department_id = Whistle.objects.get(pk=whistle_pk).department_id
    return joint.market_staff if department_id == joint.market.pk else joint.urban_staff
