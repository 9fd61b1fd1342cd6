"""Many taps at once on PostgreSQL: one hand per phone, and the threshold qualifies the
proposal exactly once, on real concurrent connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from orders.models import MicroProject, ProjectHand
from orders.projects import services
from orders.projects.lifecycle import ProjectAction, ProjectStatus

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections: run with DATABASE_URL=postgres://…")


def race(calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected and asserted on below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_one_phone_tapping_at_once_leaves_one_hand(world):
    project = services.project_propose(
        compound=world.compound, title="t", description="d", phone="13700137000"
    )
    results = race([lambda: services.hand_raise(project_id=project.pk, phone="13900000001")] * 6)
    assert not [r for r in results if isinstance(r, Exception)]
    assert ProjectHand.objects.filter(project=project).count() == 1
    assert MicroProject.objects.get(pk=project.pk).hands == 1


def test_threshold_is_crossed_once_under_concurrency(world):
    services.threshold_set(actor=world.dispatcher, community=world.community, hands=4)
    project = services.project_propose(
        compound=world.compound, title="t", description="d", phone="13700137000"
    )
    phones = [f"139000000{i:02d}" for i in range(8)]
    results = race(
        [lambda p=p: services.hand_raise(project_id=project.pk, phone=p) for p in phones]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    project.refresh_from_db()
    assert project.hands == 8 and project.status == ProjectStatus.QUALIFIED
    assert project.events.filter(action=ProjectAction.QUALIFY).count() == 1
