"""The worker proves it is alive: on start and from the beat-scheduled task."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.cache import cache

from config.celery import app as celery_app
from config.health import HEARTBEAT_KEY, check_worker
from core.health import heartbeat_on_worker_ready, worker_heartbeat


@pytest.fixture(autouse=True)
def _no_heartbeat_yet() -> None:
    cache.delete(HEARTBEAT_KEY)


def test_heartbeat_task_writes_a_fresh_heartbeat() -> None:
    before = time.time()

    result = worker_heartbeat.apply()

    assert result.successful()
    beat = cache.get(HEARTBEAT_KEY)
    assert beat is not None
    assert before <= beat["at"] <= time.time()
    assert beat["hostname"]
    assert check_worker()[0] is True


def test_worker_ready_signal_writes_a_heartbeat() -> None:
    class Consumer:
        hostname = "celery@booting"

    heartbeat_on_worker_ready(sender=Consumer())

    assert cache.get(HEARTBEAT_KEY)["hostname"] == "celery@booting"
    assert check_worker() == (True, "celery@booting 0s ago")


def test_beat_schedules_the_heartbeat_well_within_the_max_age() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]

    assert entry["task"] == worker_heartbeat.name
    assert worker_heartbeat.name in celery_app.tasks
    assert entry["schedule"] * 3 <= settings.SIDAN_WORKER_HEARTBEAT_MAX_AGE
