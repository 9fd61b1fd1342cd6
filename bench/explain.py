"""The slowest SQL statement of each ``make bench`` page, with its EXPLAIN ANALYZE.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sidan_bench_1m .venv/bin/python bench/explain.py

Requests each page of ``bench/run.py``'s table once (warm) through Django's test client as
its role, times every statement it ran, and prints the slowest one's plan. Run it on a
database ``bench/city.py`` built. Prints; asserts nothing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import run  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402


def main() -> None:
    ids = run.find_ids(os.environ["DATABASE_URL"])
    users = get_user_model().objects
    for key, label, who, raw_path in run.PAGES:
        if key in ("submit",):
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        if who:
            user = users.get(username=who)
            client.force_login(user)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is not None:
                session = client.session
                session["otp_device_id"] = device.persistent_id
                session.save()
        path = raw_path.format(**ids)
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as ctx:
            started = time.monotonic()
            response = client.get(path)
            elapsed = (time.monotonic() - started) * 1000
        queries = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        print(
            f"\n## {label} ({path}): {response.status_code}, {elapsed:.0f} ms in-process, "
            f"{len(queries)} queries, SQL total {sql_ms:.0f} ms"
        )
        if not queries:
            continue
        worst = queries[0]["sql"]
        print(f"slowest ({float(queries[0]['time']) * 1000:.1f} ms): {worst[:300]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + worst)
            for (line,) in cursor.fetchall()[:14]:
                print("    " + line)


if __name__ == "__main__":
    main()
