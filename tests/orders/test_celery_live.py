"""A real Celery worker with beat, against Redis and the test database: the periodic sweep
escalates an order whose sign-for time has passed, and the worker sends the rating request
queued at resolve — nobody calls the sweep or the delivery by hand."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from orders import services
from orders.lifecycle import Action, Status, Tier
from orders.models import Order, OrderEvent, OutboxMessage, OutboxStatus
from tests.orders.conftest import build_world

pytestmark = [
    pytest.mark.celery_live,
    pytest.mark.django_db(transaction=True),
]

BASE_DIR = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def _wait_for(predicate, *, what: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    pytest.fail(
        f"{what} did not happen within {WAIT_SECONDS}s; worker log:\n{log.read_text()[-4000:]}"
    )


@pytest.fixture
def live_worker():
    if not settings.REDIS_URL:
        pytest.skip("celery_live needs Redis: set REDIS_URL (CI does)")
    if connection.vendor == "sqlite" and ":memory:" in str(connection.settings_dict["NAME"]):
        pytest.skip("celery_live needs a database file or server the worker can share")
    var_dir = Path(tempfile.mkdtemp(prefix="sidan-live-"))
    log = var_dir / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SIDAN_SWEEP_SECONDS": "1",
        "SIDAN_VAR_DIR": str(var_dir),
        "DB_CONN_MAX_AGE": "0",
        "PYTHONPATH": str(BASE_DIR),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--beat",
        "--pool=solo",
        "--loglevel=INFO",
        "-n",
        f"sidan-live-{os.getpid()}@%h",
        "--schedule",
        str(var_dir / "celerybeat-schedule"),
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def test_beat_sweeps_and_the_worker_delivers(live_worker):
    proc, log = live_worker
    world = build_world()
    late = world.place()
    services.order_dispatch(
        order_id=late.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    # Its sign-for time has just passed (test set-up; the sweep does the rest).
    Order.objects.filter(pk=late.pk).update(sign_due_at=timezone.now() - timedelta(seconds=1))

    done = world.place()
    services.order_dispatch(
        order_id=done.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )
    services.order_sign(order_id=done.pk, actor=world.property_manager)
    services.order_resolve(order_id=done.pk, actor=world.property_manager, result_note="已修好")

    def escalated() -> bool:
        return Order.objects.filter(
            pk=late.pk, tier=Tier.GRID, status=Status.AWAITING_SIGN
        ).exists()

    def rating_request_sent() -> bool:
        return OutboxMessage.objects.filter(
            order_id=done.pk, template="rating_request", status=OutboxStatus.SENT
        ).exists()

    _wait_for(escalated, what="the sweep escalating the late order", proc=proc, log=log)
    _wait_for(rating_request_sent, what="the worker sending the rating request", proc=proc, log=log)
    assert (
        OrderEvent.objects.filter(
            order_id=late.pk, action=Action.ESCALATE, actor_kind="system"
        ).count()
        == 1
    )
    assert OutboxMessage.objects.filter(order_id=done.pk, template="rating_request").count() == 1
    # The escalation's messages are delivered by the worker too.
    _wait_for(
        lambda: OutboxMessage.objects.filter(
            order_id=late.pk, template="sign_overdue", status=OutboxStatus.SENT
        ).exists(),
        what="the sign-overdue message being sent",
        proc=proc,
        log=log,
    )
    # More sweeps change nothing.
    time.sleep(2.5)
    assert OrderEvent.objects.filter(order_id=late.pk, action=Action.ESCALATE).count() == 1
