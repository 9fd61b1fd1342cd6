"""Deadline sweep benchmark on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sidan_bench python bench/sweep_bench.py

Loads 1,000,000 orders once (COPY; reused on later runs): 960,000 closed history rows,
30,000 in progress and not due, and 10,000 waiting for sign-for whose sign-for time has
passed. Then it times the due selection of every rule (with EXPLAIN), one sweep with
10,000 due, one with 1,000 due and one with nothing due, and a summary (seconds, ms per
order, SQL statements). ``SIDAN_SWEEP_BULK=0`` measures the order-by-order sweep.
Between runs the due orders are put back by plain SQL (benchmark data only; the
application never does that).
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")

TOTAL = int(os.environ.get("BENCH_TOTAL", 1_000_000))
DUE = int(os.environ.get("BENCH_DUE", 10_000))
OPEN_NOT_DUE = 30_000
PREFIX = "BENCH"


def ensure_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/sidan_bench"
        )
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


ensure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import outbox  # noqa: E402
from grids.models import Area, AreaLevel, Post, PostRole  # noqa: E402
from grids.services import area_create  # noqa: E402
from orders.lifecycle import Status, Tier  # noqa: E402
from orders.models import Category, Order, OrderEvent, OutboxMessage  # noqa: E402
from orders.sweep import RULES, run_sweep  # noqa: E402


def world():
    street = Area.objects.filter(code=PREFIX).first()
    if street is None:
        street = area_create(code=PREFIX, name="基准街道", level=AreaLevel.STREET, parent=None)
        community = area_create(
            code=f"{PREFIX}01", name="基准社区", level=AreaLevel.COMMUNITY, parent=street
        )
        grid = area_create(
            code=f"{PREFIX}01-G01", name="网格", level=AreaLevel.GRID, parent=community
        )
        compound = area_create(
            code=f"{PREFIX}01-G01-C01", name="小区", level=AreaLevel.COMPOUND, parent=grid
        )
        area_create(
            code=f"{PREFIX}01-G01-C01-M001",
            name="微网格",
            level=AreaLevel.MICROGRID,
            parent=compound,
        )
        for username, role, area in [
            ("bench_pm", PostRole.PROPERTY_MANAGER, compound),
            ("bench_grid", PostRole.GRID_LEADER, grid),
            ("bench_dispatcher", PostRole.COMMUNITY_DISPATCHER, community),
            ("bench_street", PostRole.STREET_OFFICIAL, street),
        ]:
            user = User.objects.create_user(username=username, password=secrets.token_hex(8))
            Post.objects.create(user=user, role=role, area=area)
    return (
        Area.objects.get(code=f"{PREFIX}01-G01-C01-M001"),
        User.objects.get(username="bench_pm"),
        Category.objects.get(code="facility"),
    )


COLUMNS = [
    "reference",
    "tracking_token",
    "category_id",
    "nature",
    "urgency",
    "channel",
    "area_id",
    "description",
    "resident_phone",
    "resident_name",
    "status",
    "queue_reason",
    "tier",
    "handler_user_id",
    "redo_count",
    "escalation_count",
    "return_count",
    "result_note",
    "rating",
    "rating_comment",
    "cancel_reason",
    "extension_reason",
    "sign_due_at",
    "resolve_due_at",
    "chase_due_at",
    "rating_stage",
    "placed_at",
    "dispatched_at",
    "signed_at",
    "resolved_at",
    "closed_at",
    "updated_at",
    "show_on_wall",
    "wall_hidden",
    "wall_text",
    "dispatch_stage",
]


def load(area, pm, category) -> None:
    have = Order.objects.filter(reference__startswith=PREFIX + "-").count()
    if have >= TOTAL:
        print(f"reusing {have:,} loaded orders")
        return
    Order.objects.filter(reference__startswith=PREFIX + "-").delete()
    now = timezone.now()
    started = time.monotonic()
    closed = TOTAL - DUE - OPEN_NOT_DUE
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(
            f"COPY orders_order ({', '.join(COLUMNS)}) FROM STDIN"
        ) as copy:
            for i in range(TOTAL):
                placed = now - timedelta(minutes=1 + (i * 7) % (730 * 24 * 60))
                common = [
                    f"{PREFIX}-{i:08d}",
                    f"bench{i:010d}{secrets.token_hex(4)}",
                    category.pk,
                    "help",
                    "normal",
                    "qr",
                    area.pk,
                    "基准工单",
                    "13800138000",
                    "",
                ]
                if i < closed:
                    row = common + [
                        Status.CLOSED,
                        "",
                        Tier.PROPERTY,
                        pm.pk,
                        0,
                        0,
                        0,
                        "已办结",
                        "satisfied",
                        "",
                        "",
                        "",
                        None,
                        placed + timedelta(days=7),
                        None,
                        3,
                        placed,
                        placed,
                        placed + timedelta(hours=1),
                        placed + timedelta(days=2),
                        placed + timedelta(days=3),
                        placed + timedelta(days=3),
                    ]
                elif i < closed + OPEN_NOT_DUE:
                    row = common + [
                        Status.IN_PROGRESS,
                        "",
                        Tier.PROPERTY,
                        pm.pk,
                        0,
                        0,
                        0,
                        "",
                        "",
                        "",
                        "",
                        "",
                        None,
                        now + timedelta(days=5),
                        now + timedelta(days=3),
                        0,
                        now,
                        now,
                        now,
                        None,
                        None,
                        now,
                    ]
                else:
                    row = common + [
                        Status.AWAITING_SIGN,
                        "",
                        Tier.PROPERTY,
                        pm.pk,
                        0,
                        0,
                        0,
                        "",
                        "",
                        "",
                        "",
                        "",
                        now - timedelta(minutes=5),
                        now + timedelta(days=6),
                        now + timedelta(days=4),
                        0,
                        now - timedelta(days=1),
                        now - timedelta(days=1),
                        None,
                        None,
                        None,
                        now,
                    ]
                copy.write_row(row + [False, False, "", 0])
        cursor.execute("ANALYZE orders_order")
    print(f"loaded {TOTAL:,} orders in {time.monotonic() - started:.1f}s")


def due_ids() -> list[int]:
    return list(
        Order.objects.filter(
            reference__startswith=PREFIX + "-",
            status__in=[Status.AWAITING_SIGN, Status.AWAITING_DISPATCH],
        )
        .values_list("pk", flat=True)
        .union(
            Order.objects.filter(reference__startswith=PREFIX + "-", tier=Tier.GRID).values_list(
                "pk", flat=True
            )
        )
    )


def reset(pm, *, due: int) -> None:
    """Put the sign-for set back: ``due`` of them late, the rest not yet due."""
    now = timezone.now()
    ids = sorted(
        Order.objects.filter(
            reference__gte=f"{PREFIX}-{TOTAL - DUE:08d}", reference__startswith=PREFIX + "-"
        ).values_list("pk", flat=True)
    )
    OrderEvent.objects.filter(order_id__in=ids).delete()
    OutboxMessage.objects.filter(order_id__in=ids).delete()
    Order.objects.filter(pk__in=ids).update(
        status=Status.AWAITING_SIGN,
        tier=Tier.PROPERTY,
        handler_user_id=pm.pk,
        handler_unit_id=None,
        queue_reason="",
        escalation_count=0,
        sign_due_at=now + timedelta(days=1),
        resolve_due_at=now + timedelta(days=6),
        chase_due_at=now + timedelta(days=4),
        overdue_at=None,
    )
    Order.objects.filter(pk__in=ids[:due]).update(sign_due_at=now - timedelta(minutes=5))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")


def explain_rules() -> None:
    now = timezone.now()
    for rule in RULES:
        qs = rule.due(now).values_list("pk", flat=True)[:200]
        started = time.monotonic()
        found = len(list(qs))
        ms = (time.monotonic() - started) * 1000
        plan = qs.explain(analyze=True)
        scan = [line.strip() for line in plan.splitlines() if "Scan" in line]
        print(
            f"  {rule.name:16s} first batch {found:4d} ids in {ms:7.2f} ms"
            f"  plan: {scan[0] if scan else plan}"
        )


def timed_sweep(label: str) -> tuple[float, int, int]:
    """One full sweep: seconds, orders acted on, SQL statements."""
    from django.test.utils import CaptureQueriesContext

    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        report = run_sweep(now=timezone.now(), max_batches=10_000, retry_messages=False)
    elapsed = time.monotonic() - started
    acted = report.total
    per = f"{elapsed / acted * 1000:.2f} ms/order" if acted else "-"
    print(
        f"  {label:28s} acted {acted:6,d} in {elapsed:8.3f}s  ({per}, "
        f"{len(queries.captured_queries):,d} SQL)  {report.acted}"
    )
    return elapsed, acted, len(queries.captured_queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    outbox.enqueue = lambda message_id: None  # delivery is not part of the sweep's cost
    area, pm, category = world()
    load(area, pm, category)
    total = Order.objects.count()
    print(f"orders in table: {total:,}")
    mode = "set-based" if settings.SIDAN_SWEEP_BULK else "order by order"
    results = []
    for due in (DUE, 1_000, 0):
        reset(pm, due=due)
        print(f"\nwith {due:,} orders due for sign-for escalation:")
        explain_rules()
        results.append((due, *timed_sweep(f"sweep ({due:,} due)")))
    reset(pm, due=0)
    print(f"\nsummary ({mode}, batches of {settings.SIDAN_SWEEP_BATCH}, {total:,} orders):")
    print(f"  {'due':>7s}  {'seconds':>8s}  {'ms/order':>8s}  {'SQL':>6s}")
    for due, elapsed, acted, queries in results:
        per = f"{elapsed / acted * 1000:8.2f}" if acted else f"{'-':>8s}"
        print(f"  {due:7,d}  {elapsed:8.3f}  {per}  {queries:6,d}")


if __name__ == "__main__":
    main()
