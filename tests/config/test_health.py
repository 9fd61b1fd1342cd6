"""``/healthz`` reports the database, the broker and a live worker; any failure is a 503."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError, connections

from config.celery import app as celery_app
from config.health import HEARTBEAT_KEY, record_worker_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_heartbeat_yet() -> None:
    cache.delete(HEARTBEAT_KEY)


def get_health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_all_checks_pass_with_a_fresh_worker_heartbeat(client) -> None:
    record_worker_heartbeat("worker@test")

    status, body = get_health(client)

    assert status == 200
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker": True,
    }
    assert "worker@test" in body["checks"]["worker"]["detail"]


def test_no_worker_heartbeat_is_unavailable(client) -> None:
    status, body = get_health(client)

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["worker"] == {"ok": False, "detail": "no heartbeat from any worker yet"}
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_stale_worker_heartbeat_is_unavailable(client, settings) -> None:
    settings.SIDAN_WORKER_HEARTBEAT_MAX_AGE = 30
    cache.set(HEARTBEAT_KEY, {"at": time.time() - 31, "hostname": "worker@gone"}, timeout=None)

    status, body = get_health(client)

    assert status == 503
    assert body["checks"]["worker"]["ok"] is False
    assert "worker@gone" in body["checks"]["worker"]["detail"]


def test_heartbeat_within_max_age_counts(client, settings) -> None:
    settings.SIDAN_WORKER_HEARTBEAT_MAX_AGE = 30
    cache.set(HEARTBEAT_KEY, {"at": time.time() - 20, "hostname": "worker@slow"}, timeout=None)

    status, body = get_health(client)

    assert status == 200
    assert body["checks"]["worker"]["ok"] is True


def test_database_failure_is_unavailable(client) -> None:
    record_worker_heartbeat("worker@test")
    down = OperationalError("connection to server refused")

    with mock.patch.object(connections["default"], "cursor", side_effect=down):
        status, body = get_health(client)

    assert status == 503
    assert body["checks"]["database"] == {
        "ok": False,
        "detail": "OperationalError: connection to server refused",
    }
    assert body["checks"]["worker"]["ok"] is True


def test_unreachable_broker_is_unavailable_and_fails_fast(client, monkeypatch) -> None:
    record_worker_heartbeat("worker@test")
    # Nothing listens on port 1: the connect is refused at once.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})

    started = time.monotonic()
    status, body = get_health(client)
    elapsed = time.monotonic() - started

    assert status == 503
    assert body["checks"]["broker"]["ok"] is False
    assert "127.0.0.1:1" in body["checks"]["broker"]["detail"]
    assert body["checks"]["database"]["ok"] is True
    assert elapsed < 3, f"a dead broker must not stall the probe ({elapsed:.1f}s)"
