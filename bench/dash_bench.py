"""Dashboard benchmark on PostgreSQL (issue 9).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sidan_dash_bench python bench/dash_bench.py

Loads BENCH_TOTAL orders (default 1,000,000; COPY, reused on later runs) over the 12
months before today across BENCH_STREETS streets (13 communities × 5 grids × 4
micro-grids each), each order with its place/dispatch/sign/resolve/rate events (a few
sign-for overdue, a few 不满意). Then it times:

* the full rollup build (``rollup.fill(full=True)``) — once, when the rollup is empty;
* the rollup job for one day's new events (BENCH_DAY orders placed and handled "today");
* the street overview and the ranking page (server time through the Django test client,
  p50 and p95 of 20 requests each), and the number of queries each makes.
"""

from __future__ import annotations

import io
import os
import random
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The bench logs a street official in through the test client, without a TOTP device.
os.environ.setdefault("SIDAN_2FA_REQUIRED", "false")

TOTAL = int(os.environ.get("BENCH_TOTAL", 1_000_000))
STREETS = int(os.environ.get("BENCH_STREETS", 10))
DAY = int(os.environ.get("BENCH_DAY", 3_000))
PREFIX = "DB"


def ensure_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database")
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import clock  # noqa: E402
from grids.models import Area, AreaLevel, Post, PostRole, ancestor_paths  # noqa: E402
from grids.services import area_create  # noqa: E402
from orders.catalogue import ensure_catalogue  # noqa: E402
from orders.models import Category, DailyCount, Order  # noqa: E402
from orders.stats import rollup  # noqa: E402


def world() -> tuple[list[Area], User]:
    leaves = list(Area.objects.filter(code__startswith=PREFIX, level=AreaLevel.MICROGRID))
    if not leaves:
        for s in range(STREETS):
            street = area_create(code=f"{PREFIX}{s:02d}", name=f"基准街道{s}", level=1, parent=None)
            for c in range(13):
                community = area_create(
                    code=f"{street.code}-{c:02d}", name=f"社区{c}", level=2, parent=street
                )
                for g in range(5):
                    grid = area_create(
                        code=f"{community.code}-G{g}", name=f"网格{g}", level=3, parent=community
                    )
                    compound = area_create(code=f"{grid.code}-C", name="小区", level=4, parent=grid)
                    for m in range(4):
                        area_create(
                            code=f"{compound.code}-M{m}", name=f"{m}栋", level=5, parent=compound
                        )
        leaves = list(Area.objects.filter(code__startswith=PREFIX, level=AreaLevel.MICROGRID))
    official, created = User.objects.get_or_create(username="dash-bench-official")
    if created:
        Post.objects.create(
            user=official,
            role=PostRole.STREET_OFFICIAL,
            area=Area.objects.get(code=f"{PREFIX}00"),
        )
    return leaves, official


ORDER_COLS = (
    "reference tracking_token category_id nature urgency channel area_id description "
    "resident_phone resident_name status queue_reason tier redo_count escalation_count "
    "return_count result_note rating rating_comment cancel_reason extension_reason "
    "rating_stage placed_at closed_at resolved_at rated_at solved show_on_wall wall_hidden "
    "wall_text updated_at dispatch_stage community_id street_id"
).split()
EVENT_COLS = "order_id action actor_kind at from_status to_status tier note data".split()


def load(leaves: list[Area], *, count: int, start, span_seconds: int, tag: str) -> None:
    """COPY ``count`` closed orders placed in [start, start + span) and their events."""
    rng = random.Random(tag)
    cats = list(Category.objects.values_list("pk", flat=True))
    by_path = dict(Area.objects.filter(level__lte=2).values_list("path", "pk"))
    scope = {
        leaf.pk: (by_path[ancestor_paths(leaf.path)[1]], by_path[ancestor_paths(leaf.path)[0]])
        for leaf in leaves
    }
    buf = io.StringIO()
    times = []
    for i in range(count):
        placed = start + timedelta(seconds=rng.randrange(span_seconds))
        leaf = rng.choice(leaves).pk
        rating = rng.choices(["satisfied", "basic", "dissatisfied"], [90, 8, 2])[0]
        solved = "t" if rating != "dissatisfied" else "f"
        closed = placed + timedelta(hours=rng.randint(3, 60))
        times.append((placed, closed, rating, solved))
        row = [
            f"{tag}-{i:07d}",
            secrets.token_hex(8) + f"{tag}{i}",
            str(rng.choice(cats)),
            "help",
            "normal",
            "qr",
            str(leaf),
            "基准",
            f"139{rng.randrange(10**8):08d}",
            "",
            "closed",
            "",
            str(rng.choice([1, 1, 1, 2, 2, 3])),
            "0",
            "0",
            "0",
            "ok",
            rating,
            "",
            "",
            "",
            "0",
            placed.isoformat(),
            closed.isoformat(),
            (closed - timedelta(hours=1)).isoformat(),
            closed.isoformat(),
            solved,
            "t",
            "f",
            "",
            closed.isoformat(),
            "0",
            str(scope[leaf][0]),
            str(scope[leaf][1]),
        ]
        buf.write("\t".join(row) + "\n")
    buf.seek(0)
    with connection.cursor() as cur:
        with cur.copy(f"COPY orders_order ({', '.join(ORDER_COLS)}) FROM STDIN") as copy:
            copy.write(buf.read())
        cur.execute(
            "SELECT id FROM orders_order WHERE reference LIKE %s ORDER BY reference", [f"{tag}-%"]
        )
        ids = [r[0] for r in cur.fetchall()]
    ev = io.StringIO()
    for pk, (placed, closed, rating, solved) in zip(ids, times, strict=True):
        dispatch = placed + timedelta(minutes=rng.randint(5, 240))
        sign = dispatch + timedelta(minutes=rng.randint(5, 600))
        resolve = closed - timedelta(hours=1)
        rows = [
            ("place", "resident", placed, "", "awaiting_dispatch", "\\N", "{}"),
            ("dispatch", "", dispatch, "awaiting_dispatch", "awaiting_sign", "1", "{}"),
        ]
        if rng.random() < 0.03:
            rows.append(("overdue", "system", sign, "", "", "1", '{"kind": "sign"}'))
        rows += [
            ("sign", "", sign, "awaiting_sign", "in_progress", "1", "{}"),
            ("resolve", "", resolve, "in_progress", "awaiting_rating", "1", "{}"),
            (
                "rate",
                "resident",
                closed,
                "awaiting_rating",
                "closed",
                "1",
                f'{{"rating": "{rating}", "solved": {"true" if solved == "t" else "false"}}}',
            ),
        ]
        for action, kind, at, frm, to, tier, data in rows:
            ev.write(f"{pk}\t{action}\t{kind}\t{at.isoformat()}\t{frm}\t{to}\t{tier}\t\t{data}\n")
    ev.seek(0)
    with connection.cursor() as cur:
        with cur.copy(f"COPY orders_orderevent ({', '.join(EVENT_COLS)}) FROM STDIN") as copy:
            copy.write(ev.read())
    with connection.cursor() as cur:
        cur.execute("ANALYZE orders_order; ANALYZE orders_orderevent;")


def property_managers() -> list[User]:
    """One property manager per community, holding every event of the community's orders
    (so handlers' figures and their ranking have data); the events are updated once."""
    pms = list(User.objects.filter(username__startswith="dash-bench-pm-").order_by("username"))
    if pms:
        return pms
    pairs = []
    for community in Area.objects.filter(code__startswith=PREFIX, level=AreaLevel.COMMUNITY):
        pm = User.objects.create(username=f"dash-bench-pm-{community.code}", last_name="物业")
        compound = Area.objects.filter(
            path__startswith=community.path, level=AreaLevel.COMPOUND
        ).first()
        Post.objects.create(user=pm, role=PostRole.PROPERTY_MANAGER, area=compound)
        pairs.append((community.pk, pm.pk))
        pms.append(pm)
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_pm (community_id bigint, user_id bigint)")
        cur.executemany("INSERT INTO bench_pm VALUES (%s, %s)", pairs)
        cur.execute(
            "UPDATE orders_orderevent e SET handler_user_id = m.user_id"
            " FROM orders_order o JOIN bench_pm m ON m.community_id = o.community_id"
            " WHERE e.order_id = o.id AND e.handler_user_id IS NULL"
        )
        cur.execute(
            "UPDATE orders_order o SET handler_user_id = m.user_id FROM bench_pm m"
            " WHERE m.community_id = o.community_id AND o.handler_user_id IS NULL"
        )
        cur.execute("DROP TABLE bench_pm; ANALYZE orders_orderevent;")
    print(f"property managers on every event: {time.perf_counter() - t:.1f} s", flush=True)
    DailyCount.objects.all().delete()  # the rollup is rebuilt with the handlers' rows
    return pms


def timed(client: Client, url: str, n: int = 20) -> tuple[float, float, int]:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (n - 1))], len(ctx.captured_queries)


def main() -> None:
    call_command("migrate", verbosity=0)
    ensure_catalogue()
    leaves, official = world()
    now = timezone.now()
    existing = Order.objects.filter(reference__startswith="H").count()
    if existing < TOTAL:
        t = time.perf_counter()
        step = 100_000
        for offset in range(existing, TOTAL, step):
            n = min(step, TOTAL - offset)
            load(
                leaves,
                count=n,
                start=now - timedelta(days=365),
                span_seconds=364 * 86400,
                tag=f"H{offset // step:02d}",
            )
            print(f"loaded {offset + n:,} orders", flush=True)
        print(f"load: {time.perf_counter() - t:.1f} s")
        DailyCount.objects.all().delete()
    pms = property_managers()
    if not DailyCount.objects.exists():
        t = time.perf_counter()
        result = rollup.fill(full=True)
        print(f"rollup full build: {time.perf_counter() - t:.1f} s ({result['cells']:,} cells)")
    # One day's new events: DAY orders placed and handled in the last day.
    Order.objects.filter(reference__startswith="D-").delete()
    rollup.fill()
    load(leaves, count=DAY, start=now - timedelta(days=1), span_seconds=80000, tag="D")
    t = time.perf_counter()
    with clock.travel_to(now + timedelta(days=1)):
        result = rollup.fill()
    print(
        f"rollup job, one day's events ({result['orders']:,} orders): "
        f"{time.perf_counter() - t:.2f} s"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(official)
    month = f"{timezone.localdate(now):%Y-%m}"
    community = Area.objects.get(code=f"{PREFIX}00-00")
    year_ago = f"{timezone.localdate(now - timedelta(days=200)):%Y-%m}"
    for label, url in (
        ("street overview", reverse("orders:stats") + f"?month={month}"),
        ("street overview, a month 200 days ago", reverse("orders:stats") + f"?month={year_ago}"),
        ("community overview", reverse("orders:stats") + f"?area={community.code}&month={month}"),
        (
            "ranking (areas, property managers, units)",
            reverse("orders:stats_ranking") + f"?month={month}",
        ),
        (
            "orders behind a figure",
            reverse("orders:stats_orders") + f"?month={year_ago}&figure=received",
        ),
        ("large screen", reverse("orders:stats_screen")),
    ):
        p50, p95, queries = timed(client, url)
        print(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, {queries} queries", flush=True)
    pm_client = Client(HTTP_HOST="127.0.0.1")
    pm_client.force_login(pms[0])
    p50, p95, queries = timed(pm_client, reverse("orders:stats_mine") + f"?month={year_ago}")
    print(f"my figures (property manager): p50 {p50:.0f} ms, p95 {p95:.0f} ms, {queries} queries")
    from orders.stats import exports

    t = time.perf_counter()
    job = exports.start(user=official, params={"area": f"{PREFIX}00", "month": year_ago})
    exports.run(job.pk)
    job.refresh_from_db()
    print(
        f"export job, street's month ({job.rows_done:,} rows, {job.status}): "
        f"{time.perf_counter() - t:.1f} s",
        flush=True,
    )
    job.file.delete(save=False)
    job.delete()
    print(f"orders: {Order.objects.count():,}, rollup rows: {DailyCount.objects.count():,}")


if __name__ == "__main__":
    main()
