"""A city for the benchmark: 10 streets at the demo street's scale and N orders, by COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sidan_bench_1m \\
        .venv/bin/python bench/city.py --orders 1000000

The database is created when missing and migrated. The first street is the demo street
(``load_demo``'s ``build_demo``: its named logins ``demo_dispatcher``, ``demo_property`` …);
nine more streets copy its tree (13 communities, 69 grids, 91 compounds, 2,826 micro-grids
each, so 130 communities and 28,260 micro-grids in all) and get a dispatcher per
community, a grid leader per grid, a property manager per compound, 3–4 member units with a
liaison per community and a street official. Then ``--orders`` orders over two years, with a
realistic mix of status, category, tier, channel, rating, redo, return and overdue, their
events, callbacks, supervision items and outbox rows, written with COPY (benchmark data:
the application's writer is bypassed on purpose, the rows are what it would have written).

A database that already holds the city with that many orders is reused as it is
(``bench_city`` marker table); anything else is wiped (orders only) and loaded again.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")

STREETS = 10
SEED = 8


def ensure_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/city.py needs DATABASE_URL of a PostgreSQL database")
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def loaded_count(cursor) -> int | None:
    cursor.execute("SELECT to_regclass('bench_city')")
    if cursor.fetchone()[0] is None:
        return None
    cursor.execute("SELECT orders FROM bench_city")
    row = cursor.fetchone()
    return row[0] if row else None


def build_streets(rng: random.Random) -> None:
    """The demo street plus nine copies of its tree, with staff for every post."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from demo.street import LUOXING_SCALE, STREET_CODE, build_demo, demo_tree
    from grids import services
    from grids.models import Area, AreaLevel, MemberUnit, Post, PostRole

    build_demo()
    nodes = demo_tree(**LUOXING_SCALE)
    User = get_user_model()
    password = make_password(os.environ.get("SIDAN_DEMO_PASSWORD", "sidan-demo-2026"))
    for s in range(2, STREETS + 1):
        code = f"S{s:02d}"
        if Area.objects.filter(code=code).exists():
            continue
        started = time.monotonic()
        renamed = [
            (
                code + c[len(STREET_CODE) :],
                f"第{s}街道" if level == AreaLevel.STREET else name,
                level,
                (code + p[len(STREET_CODE) :]) if p else None,
            )
            for c, name, level, p in nodes
        ]
        services.areas_bulk_create(nodes=renamed)
        areas = list(Area.objects.filter(path__startswith=f"{code}/").exclude(level=5))
        communities = [a for a in areas if a.level == AreaLevel.COMMUNITY]
        MemberUnit.objects.bulk_create(
            MemberUnit(name=f"{a.name}成员单位{i}", community=a, remit="")
            for a in communities
            for i in range(1, rng.choice([3, 4]) + 1)
        )
        units = list(MemberUnit.objects.filter(community__in=communities))
        wanted = [
            (f"street_{code}", PostRole.STREET_OFFICIAL, a, None) for a in areas if a.level == 1
        ]
        for a in areas:
            role = {
                AreaLevel.COMMUNITY: PostRole.COMMUNITY_DISPATCHER,
                AreaLevel.GRID: PostRole.GRID_LEADER,
                AreaLevel.COMPOUND: PostRole.PROPERTY_MANAGER,
            }.get(a.level)
            if role:
                wanted.append((f"{role[:4]}_{a.code}", role, a, None))
        for i, unit in enumerate(units):
            wanted.append((f"unit_{code}_{i}", PostRole.UNIT_LIAISON, unit.community, unit))
        User.objects.bulk_create(
            [User(username=u, password=password, last_name="基准") for u, *_r in wanted],
            batch_size=1000,
        )
        ids = dict(
            User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", "id")
        )
        Post.objects.bulk_create(
            [Post(user_id=ids[u], role=r, area=a, member_unit=m) for u, r, a, m in wanted],
            batch_size=1000,
        )
        print(
            f"street {code}: {len(renamed)} areas in {time.monotonic() - started:.1f}s", flush=True
        )


# status, weight; open statuses are recent, the history spreads over two years.
STATUS_MIX = [
    ("closed", 880),
    ("cancelled", 40),
    ("awaiting_rating", 20),
    ("in_progress", 25),
    ("extension_requested", 3),
    ("awaiting_sign", 10),
    ("awaiting_dispatch", 22),
]
CHANNEL_MIX = [
    ("qr", 45),
    ("mobile", 30),
    ("hotline", 10),
    ("grid_visit", 8),
    ("living_room", 5),
    ("meeting", 2),
]
TIER_MIX = [(1, 60), (2, 25), (3, 10), (4, 5)]
RATING_MIX = [("satisfied", 78), ("basic", 15), ("dissatisfied", 7)]
QUEUE_MIX = [("new", 60), ("returned", 15), ("escalated", 15), ("redo", 10)]
TEXTS = [
    "楼道灯坏了，晚上很黑",
    "小区门口垃圾没人清理",
    "楼上漏水到我家天花板",
    "电梯经常停运，老人上下楼困难",
    "路灯不亮，孩子放学不安全",
    "下水道堵塞，有异味",
    "噪音扰民，晚上施工",
    "想咨询居住证办理流程",
]


def pick(rng: random.Random, mix):
    return rng.choices([m[0] for m in mix], weights=[m[1] for m in mix])[0]


def load_orders(total: int, rng: random.Random) -> None:
    from django.db import connection

    from grids.models import Area, AreaLevel, Post, PostRole
    from orders.models import Category

    now = datetime.now(UTC).replace(microsecond=0)
    categories = list(Category.objects.filter(is_active=True).values_list("id", "default_tier"))
    if not categories:
        sys.exit("no categories: migrations should have seeded them")
    areas = list(
        Area.objects.filter(level__lte=AreaLevel.COMPOUND).values_list(
            "id", "code", "level", "path"
        )
    )
    ids = {code: pk for pk, code, _l, _p in areas}
    micro = list(
        Area.objects.filter(level=AreaLevel.MICROGRID).order_by("id").values_list("id", "code")
    )
    first_post: dict[tuple[str, int], int] = {}
    unit_of: dict[int, list[int]] = {}
    for user_id, role, area_id, unit_id in Post.objects.order_by("id").values_list(
        "user_id", "role", "area_id", "member_unit_id"
    ):
        first_post.setdefault((role, area_id), user_id)
        if unit_id:
            unit_of.setdefault(area_id, []).append(unit_id)
    dispatcher = {a: u for (r, a), u in first_post.items() if r == PostRole.COMMUNITY_DISPATCHER}
    # Some micro-grids are busier than others (a skewed spread, as a city's orders are).
    weights = [rng.paretovariate(1.5) for _ in micro]

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'orders_order'"
        )
        order_columns = {r[0] for r in cursor.fetchall()}
        cursor.execute(
            "TRUNCATE orders_order, orders_orderevent, orders_callbacktask, "
            "orders_supervisionitem, orders_outboxmessage RESTART IDENTITY CASCADE"
        )
    has_scope = {"community_id", "street_id"} <= order_columns

    columns = [
        "id",
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
        "placed_by_id",
        "status",
        "queue_reason",
        "tier",
        "handler_user_id",
        "handler_unit_id",
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
        "overdue_at",
        "rating_due_at",
        "rating_stage",
        "placed_at",
        "dispatched_at",
        "signed_at",
        "resolved_at",
        "rated_at",
        "closed_at",
        "cancelled_at",
        "updated_at",
        "show_on_wall",
        "wall_hidden",
        "wall_text",
        "dispatch_stage",
    ]
    if has_scope:
        columns += ["community_id", "street_id"]
    missing = _required_columns("orders_order") - set(columns)
    if missing:
        sys.exit(f"bench/city.py does not fill NOT NULL columns of orders_order: {sorted(missing)}")
    event_columns = [
        "order_id",
        "action",
        "actor_id",
        "actor_kind",
        "at",
        "from_status",
        "to_status",
        "tier",
        "handler_user_id",
        "handler_unit_id",
        "note",
        "data",
    ]
    callback_columns = [
        "order_id",
        "due_at",
        "status",
        "reached",
        "resolved",
        "rating",
        "note",
        "done_at",
    ]
    supervision_columns = ["order_id", "kind", "raised_at", "resolved_at", "notes"]
    outbox_columns = [
        "order_id",
        "recipient",
        "channel",
        "template",
        "payload",
        "body",
        "area_path",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "next_attempt_at",
    ]
    started = time.monotonic()
    two_years = 730 * 86400
    chosen = rng.choices(range(len(micro)), weights=weights, k=total)
    counts = {"events": 0, "callbacks": 0, "supervision": 0, "outbox": 0}
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur:
        orders_copy = cur.copy(f"COPY orders_order ({', '.join(columns)}) FROM STDIN")
        with orders_copy as copy:
            events, callbacks, supervision, outbox = [], [], [], []
            for i in range(total):
                pk = i + 1
                micro_id, micro_code = micro[chosen[i]]
                compound_code = micro_code.rsplit("-", 1)[0]
                grid_code = compound_code.rsplit("-", 1)[0]
                community_code = grid_code.rsplit("-", 1)[0]
                street_code = community_code[:-2]
                community_id = ids[community_code]
                status = pick(rng, STATUS_MIX)
                if status in ("closed", "cancelled"):
                    placed = now - timedelta(seconds=rng.randrange(3 * 86400, two_years))
                else:
                    placed = now - timedelta(seconds=rng.randrange(600, 30 * 86400))
                category_id, default_tier = rng.choice(categories)
                tier = pick(rng, TIER_MIX) if rng.random() < 0.3 else default_tier
                channel = pick(rng, CHANNEL_MIX)
                h_user = h_unit = None
                if tier == 1:
                    h_user = first_post.get((PostRole.PROPERTY_MANAGER, ids[compound_code]))
                elif tier == 2:
                    h_user = first_post.get((PostRole.GRID_LEADER, ids[grid_code]))
                elif tier == 3:
                    h_unit = rng.choice(unit_of.get(community_id, [None]))
                else:
                    h_user = first_post.get((PostRole.STREET_OFFICIAL, ids[street_code]))
                if h_user is None and h_unit is None:
                    tier, h_user = 2, first_post.get((PostRole.GRID_LEADER, ids[grid_code]))
                disp_user = dispatcher.get(community_id)
                redo = 1 if rng.random() < 0.03 else 0
                returns = 1 if rng.random() < 0.05 else 0
                escalations = 1 if rng.random() < 0.04 else 0
                late_sign = rng.random() < 0.08
                d = {
                    "queue": "",
                    "tier": tier,
                    "hu": h_user,
                    "hn": h_unit,
                    "sign_due": None,
                    "resolve_due": None,
                    "chase_due": None,
                    "overdue": None,
                    "rating_due": None,
                    "stage": 0,
                    "dispatched": None,
                    "signed": None,
                    "resolved": None,
                    "rated": None,
                    "closed": None,
                    "cancelled": None,
                    "rating": "",
                    "result": "",
                    "cancel": "",
                    "ext": "",
                }
                t = placed
                ev = [(pk, "place", None, "resident", t, "", "awaiting_dispatch", None, None, None)]
                if status == "awaiting_dispatch":
                    d.update(queue=pick(rng, QUEUE_MIX), tier=None, hu=None, hn=None)
                elif status == "cancelled" and rng.random() < 0.6:
                    d.update(tier=None, hu=None, hn=None)
                else:
                    t = t + timedelta(minutes=rng.randrange(5, 240))
                    d["dispatched"] = t
                    d["sign_due"] = t + timedelta(hours=24)
                    ev.append(
                        (
                            pk,
                            "dispatch",
                            disp_user,
                            "",
                            t,
                            "awaiting_dispatch",
                            "awaiting_sign",
                            tier,
                            h_user,
                            h_unit,
                        )
                    )
                    if late_sign:
                        ev.append(
                            (
                                pk,
                                "overdue",
                                None,
                                "system",
                                d["sign_due"],
                                "",
                                "",
                                tier,
                                None,
                                None,
                                {"kind": "sign"},
                            )
                        )
                    if status not in ("awaiting_sign", "cancelled"):
                        t = t + timedelta(hours=rng.randrange(1, 30 if late_sign else 20))
                        d["signed"], d["resolve_due"] = t, t + timedelta(days=7)
                        d["chase_due"] = t + timedelta(days=5)
                        ev.append(
                            (
                                pk,
                                "sign",
                                h_user,
                                "",
                                t,
                                "awaiting_sign",
                                "in_progress",
                                tier,
                                h_user,
                                h_unit,
                            )
                        )
                        if status == "extension_requested":
                            ev.append(
                                (
                                    pk,
                                    "request_extension",
                                    h_user,
                                    "",
                                    t + timedelta(hours=2),
                                    "in_progress",
                                    "extension_requested",
                                    tier,
                                    h_user,
                                    h_unit,
                                )
                            )
                            d["ext"] = "需要采购配件"
                        if status in ("awaiting_rating", "closed"):
                            t = t + timedelta(hours=rng.randrange(2, 150))
                            d.update(resolved=t, result="已处理完毕", chase_due=None, sign_due=None)
                            ev.append(
                                (
                                    pk,
                                    "resolve",
                                    h_user,
                                    "",
                                    t,
                                    "in_progress",
                                    "awaiting_rating",
                                    tier,
                                    h_user,
                                    h_unit,
                                )
                            )
                            d["rating_due"] = (
                                t + timedelta(days=3) if status == "awaiting_rating" else None
                            )
                    if status == "awaiting_sign":
                        d["chase_due"] = None
                    if status in ("in_progress", "extension_requested") and d["resolve_due"] < now:
                        d["overdue"] = d["resolve_due"]
                        supervision.append((pk, "overdue", d["resolve_due"], None, ""))
                    if status == "awaiting_sign" and d["sign_due"] < now:
                        d["overdue"] = d["sign_due"]
                if status == "closed":
                    if rng.random() < 0.85:
                        t = t + timedelta(hours=rng.randrange(1, 60))
                        d.update(rating=pick(rng, RATING_MIX), rated=t, closed=t)
                        ev.append(
                            (
                                pk,
                                "rate",
                                None,
                                "resident",
                                t,
                                "awaiting_rating",
                                "closed",
                                tier,
                                h_user,
                                h_unit,
                            )
                        )
                    else:
                        t = t + timedelta(days=7)
                        d.update(closed=t, stage=2)
                        ev.append(
                            (
                                pk,
                                "close_unrated",
                                None,
                                "system",
                                t,
                                "awaiting_rating",
                                "closed",
                                tier,
                                h_user,
                                h_unit,
                            )
                        )
                        reached = rng.random() < 0.7
                        callbacks.append(
                            (
                                pk,
                                t - timedelta(days=2),
                                "done",
                                reached,
                                (rng.random() < 0.8) if reached else None,
                                "",
                                "",
                                t - timedelta(days=1),
                            )
                        )
                    if d["rating"] == "dissatisfied" and rng.random() < 0.5:
                        supervision.append((pk, "dissatisfied", t, t + timedelta(days=2), "已约谈"))
                elif status == "cancelled":
                    t = t + timedelta(hours=rng.randrange(1, 48))
                    d.update(cancelled=t, cancel=rng.choice(["resident", "duplicate", "invalid"]))
                    ev.append(
                        (
                            pk,
                            "cancel",
                            None,
                            "resident",
                            t,
                            ev[-1][6],
                            "cancelled",
                            None,
                            None,
                            None,
                        )
                    )
                elif status == "awaiting_rating" and rng.random() < 0.3:
                    d["stage"] = 2
                    callbacks.append(
                        (pk, d["resolved"] + timedelta(days=2), "pending", None, None, "", "", None)
                    )
                ref = f"{street_code}-{placed:%Y%m%d}-{pk:07d}"
                row = [
                    pk,
                    ref,
                    secrets.token_urlsafe(24),
                    category_id,
                    "help",
                    "normal",
                    channel,
                    micro_id,
                    rng.choice(TEXTS),
                    f"13{rng.randrange(100000000, 999999999)}",
                    "",
                    disp_user
                    if channel in ("hotline", "living_room", "grid_visit", "meeting")
                    else None,
                    status,
                    d["queue"],
                    d["tier"],
                    d["hu"],
                    d["hn"],
                    redo,
                    escalations,
                    returns,
                    d["result"],
                    d["rating"],
                    "",
                    d["cancel"],
                    d["ext"],
                    d["sign_due"],
                    d["resolve_due"],
                    d["chase_due"],
                    d["overdue"],
                    d["rating_due"],
                    d["stage"],
                    placed,
                    d["dispatched"],
                    d["signed"],
                    d["resolved"],
                    d["rated"],
                    d["closed"],
                    d["cancelled"],
                    t,
                    True,
                    False,
                    "",
                    0,
                ]
                if has_scope:
                    row += [community_id, ids[street_code]]
                copy.write_row(row)
                for e in ev:
                    events.append(e)
                outbox.append(
                    (pk, f"13800{pk % 1000000:06d}", "sms", "order_placed", street_code, placed)
                )
        counts["orders"] = total
        print(f"  orders written in {time.monotonic() - started:.1f}s", flush=True)
        paths = {pk: p for pk, _c, _l, p in areas}
        street_path = {c: paths[ids[c]] for _pk, c, lvl, _p in areas if lvl == 1}
        with cur.copy(f"COPY orders_orderevent ({', '.join(event_columns)}) FROM STDIN") as copy:
            for e in events:
                data = e[10] if len(e) > 10 else {}
                copy.write_row([*e[:10], "", json.dumps(data)])
        counts["events"] = len(events)
        with cur.copy(
            f"COPY orders_callbacktask ({', '.join(callback_columns)}) FROM STDIN"
        ) as copy:
            for c in callbacks:
                copy.write_row(c)
        counts["callbacks"] = len(callbacks)
        with cur.copy(
            f"COPY orders_supervisionitem ({', '.join(supervision_columns)}) FROM STDIN"
        ) as copy:
            for s in supervision:
                copy.write_row(s)
        counts["supervision"] = len(supervision)
        with cur.copy(
            f"COPY orders_outboxmessage ({', '.join(outbox_columns)}) FROM STDIN"
        ) as copy:
            for pk, phone, ch, template, street_code, at in outbox:
                copy.write_row(
                    [
                        pk,
                        phone,
                        ch,
                        template,
                        "{}",
                        "您的诉求已受理。",
                        street_path[street_code],
                        "sent",
                        1,
                        "",
                        at,
                        at,
                        at,
                    ]
                )
        counts["outbox"] = len(outbox)
        cur.execute("SELECT setval(pg_get_serial_sequence('orders_order', 'id'), %s)", [total + 1])
        cur.execute("CREATE TABLE IF NOT EXISTS bench_city (orders integer)")
        cur.execute("DELETE FROM bench_city")
        cur.execute("INSERT INTO bench_city VALUES (%s)", [total])
    raw.commit()
    raw.autocommit = True
    with raw.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(
        f"loaded {counts['orders']:,} orders, {counts['events']:,} events, "
        f"{counts['callbacks']:,} callbacks, {counts['supervision']:,} supervision items, "
        f"{counts['outbox']:,} outbox rows in {time.monotonic() - started:.1f}s",
        flush=True,
    )


def _required_columns(table: str) -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL",
            [table],
        )
        return {r[0] for r in cursor.fetchall()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    args = parser.parse_args()
    ensure_database(os.environ.get("DATABASE_URL", ""))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        have = loaded_count(cursor)
    if have == args.orders:
        print(f"reusing the city with {have:,} orders in {connection.settings_dict['NAME']}")
    else:
        started = time.monotonic()
        rng = random.Random(SEED)
        build_streets(rng)
        print(f"streets ready in {time.monotonic() - started:.1f}s", flush=True)
        load_orders(args.orders, rng)
    # Issue 12: the demo departments (their logins open the department inbox) and a few
    # whistles and co-handlers, through the services; skipped when already there.
    from demo.joint import build_demo_joint

    build_demo_joint()
    # The street official passes two-factor login like a real one (the harness reads the code).
    from accounts.demo import enrol_demo_devices

    enrol_demo_devices(usernames=["demo_street"])


if __name__ == "__main__":
    main()
