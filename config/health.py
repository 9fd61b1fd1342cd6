"""``/healthz``: does the database, the broker and a live Celery worker answer?

The worker proves it is alive by writing a heartbeat into the shared cache when it
starts and then from a beat-scheduled task (``core.health.worker_heartbeat``); a
heartbeat older than ``SIDAN_WORKER_HEARTBEAT_MAX_AGE`` seconds counts as no worker.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from core.health import HEARTBEAT_KEY, record_worker_heartbeat

__all__ = ["HEARTBEAT_KEY", "healthz", "record_worker_heartbeat"]


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # any failure means "not healthy", reported as text
        return False, f"{type(exc).__name__}: {exc}"


BROKER_CHECK_TIMEOUT = 2  # seconds; a load balancer probe must not hang on a dead broker


def check_broker() -> tuple[bool, str]:
    from config.celery import app

    try:
        with app.connection_for_write(
            connect_timeout=BROKER_CHECK_TIMEOUT,
            transport_options={
                "socket_connect_timeout": BROKER_CHECK_TIMEOUT,
                "socket_timeout": BROKER_CHECK_TIMEOUT,
            },
        ) as conn:
            # No retry loop: one refused or timed-out connect is the answer.
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_CHECK_TIMEOUT
            )
            transport = conn.transport_cls
        return True, str(transport)
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def check_worker() -> tuple[bool, str]:
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"
    if not beat:
        return False, "no heartbeat from any worker yet"
    age = time.time() - beat["at"]
    if age > settings.SIDAN_WORKER_HEARTBEAT_MAX_AGE:
        return False, f"last heartbeat from {beat['hostname']} {age:.0f}s ago"
    return True, f"{beat['hostname']} {age:.0f}s ago"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, check in (
        ("database", check_database),
        ("broker", check_broker),
        ("worker", check_worker),
    ):
        ok, detail = check()
        checks[name] = {"ok": ok, "detail": detail}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
