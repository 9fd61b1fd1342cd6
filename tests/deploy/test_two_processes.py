"""Scale-out on one PostgreSQL and one Redis: two web processes (gunicorn) and two Celery
workers, each with a beat (config/beat.py lets one schedule). Residents' requests arrive at
both web processes at once through the Open311 API; then a batch of orders runs past its
sign-for time and the sweep (every second, picked up by either worker) escalates them.
Each order is placed once, escalated once, and each message is recorded and sent once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from orders import services
from orders.lifecycle import Action, Status, Tier
from orders.models import Order, OrderEvent, OutboxMessage, OutboxStatus
from tests.open311.conftest import make_client
from tests.orders.conftest import build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_live,
    pytest.mark.django_db(transaction=True),
]
BASE_DIR = Path(__file__).resolve().parents[2]
PORTS = (8410, 8411)
REQUESTS = 24
ESCALATED = 8
WAIT = 45


def _database_url() -> str:
    db = connection.settings_dict
    auth = urllib.parse.quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _up(port: int) -> bool:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/open311/v2/discovery.json", timeout=2
        ):
            return True
    except OSError:
        return False


def _wait(predicate, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-2500:]}" for p in logs)
    pytest.fail(f"{what} did not happen within {WAIT}s\n{tails}")


@pytest.fixture
def cluster():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL")
    if not all(_free(p) for p in PORTS):
        pytest.skip(f"ports {PORTS} are taken")
    var = Path(tempfile.mkdtemp(prefix="sidan-cluster-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SIDAN_SWEEP_SECONDS": "1",
        "SIDAN_BEAT_LOCK_KEY": f"sidan-test:cluster-beat:{os.getpid()}",
        "SIDAN_BEAT_LOCK_SECONDS": "6",
        "SIDAN_VAR_DIR": str(var),
        "DB_CONN_MAX_AGE": "0",
        "PYTHONPATH": str(BASE_DIR),
    }
    commands = {
        f"web{i}": [
            sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", "1", "--threads", "4", "--no-control-socket",
        ]
        for i, port in enumerate(PORTS)
    } | {
        f"worker{i}": [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
            "--pool=solo", "--loglevel=INFO", "-n", f"cluster{i}-{os.getpid()}@%h",
            "--schedule", str(var / f"beat{i}"),
        ]
        for i in range(2)
    }  # fmt: skip
    procs, logs = [], []
    for name, command in commands.items():
        log = var / f"{name}.log"
        logs.append(log)
        with log.open("w") as out:
            procs.append(
                subprocess.Popen(
                    command,
                    cwd=BASE_DIR,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    try:
        _wait(lambda: all(_up(p) for p in PORTS), "both web processes starting", logs)
        yield logs
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def _post(port: int, key: str, n: int, compound: str) -> int:
    data = urllib.parse.urlencode(
        {
            "api_key": key,
            "service_code": "facility",
            "address_id": compound,
            "phone": f"139{n:08d}",
            "description": f"第{n}号楼道灯不亮",
        }
    ).encode()
    url = f"http://127.0.0.1:{port}/open311/v2/requests.json"
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as response:
        return response.status


def test_two_webs_two_workers_do_everything_once(cluster):
    logs = cluster
    world = build_world()
    _c, key = make_client(world.street, limit=10**6)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda n: _post(PORTS[n % 2], key, n, world.compound.code), range(REQUESTS))
        )
    assert statuses == [201] * REQUESTS
    orders = list(Order.objects.order_by("pk"))
    assert len(orders) == REQUESTS
    assert len({o.resident_phone for o in orders}) == REQUESTS
    assert OrderEvent.objects.filter(action=Action.PLACE).count() == REQUESTS

    late = orders[:ESCALATED]
    for order in late:
        services.order_dispatch(
            order_id=order.pk,
            actor=world.dispatcher,
            tier=Tier.PROPERTY,
            handler_user=world.property_manager,
        )
    Order.objects.filter(pk__in=[o.pk for o in late]).update(
        sign_due_at=timezone.now() - timedelta(seconds=1)
    )

    def all_escalated() -> bool:
        return (
            Order.objects.filter(
                pk__in=[o.pk for o in late], tier=Tier.GRID, status=Status.AWAITING_SIGN
            ).count()
            == ESCALATED
        )

    def all_sent() -> bool:
        return not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()

    _wait(all_escalated, "the sweep escalating every late order", logs)
    _wait(all_sent, "the workers sending every message", logs)
    time.sleep(3)  # several more sweeps, from whichever worker takes them

    escalations = OrderEvent.objects.filter(action=Action.ESCALATE).values("order_id")
    per_order = {r["order_id"]: r["n"] for r in escalations.annotate(n=Count("id"))}
    assert per_order == {o.pk: 1 for o in late}
    placed = OutboxMessage.objects.filter(template="order_placed")
    assert placed.count() == REQUESTS
    assert sorted(placed.values_list("order_id", flat=True)) == [o.pk for o in orders]
    duplicates = (
        OutboxMessage.objects.values("order_id", "template", "recipient")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(duplicates) == []
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    # Exactly one beat scheduled: the other stood by.
    standing_by = [p for p in logs if "standing by" in p.read_text()]
    assert len(standing_by) == 1, [p.name for p in standing_by]
