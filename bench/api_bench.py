"""How fast the Open311 API answers on the demo street, and with how many queries.

    .venv/bin/python bench/api_bench.py [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sidan_bench .venv/bin/python bench/api_bench.py

Loads the demo (idempotent) into the configured database (a throwaway SQLite file without
``DATABASE_URL``), issues a throwaway API key for the first street, then requests each
endpoint ``--repeat`` times through Django's test client and prints the median and worst
time and the SQL count; ``ENDPOINTS`` (path templates with ``{key}`` and ``{ref}``) is
what a harness can import. Prints figures; asserts only that each call succeeded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = (
        f"sqlite:///{tempfile.mkdtemp(prefix='sidan-api-bench-')}/b.sqlite3"
    )

ENDPOINTS = [
    ("discovery", "/open311/v2/discovery.json"),
    ("services", "/open311/v2/services.json"),
    ("service definition", "/open311/v2/services/facility.json"),
    ("requests (key, 50)", "/open311/v2/requests.json?api_key={key}"),
    ("requests (key, 200, xml)", "/open311/v2/requests.xml?api_key={key}&page_size=200"),
    ("requests open (street)", "/open311/v2/requests.json?jurisdiction_id={street}&status=open"),
    ("one request", "/open311/v2/requests/{ref}.json?api_key={key}"),
    ("openapi", "/open311/v2/openapi.json"),
]


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from grids.models import Area
    from open311 import keys
    from open311.models import ApiClient
    from orders.models import Order

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    street = Area.objects.filter(parent__isnull=True).order_by("path").first()
    client_row = ApiClient(name=f"bench-{time.time_ns()}", area=street, verifies_phone=True)
    client_row.rate_limit_per_minute = 100000
    key = keys.issue(client_row)
    client_row.save()
    order = Order.objects.filter(area__path__startswith=street.path).order_by("-placed_at").first()
    values = {"key": key, "street": street.code, "ref": order.reference if order else "none"}
    print(f"{'endpoint':28} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    try:
        with override_settings(SIDAN_OPEN311_ANON_PER_MINUTE=10**6):
            for label, template in ENDPOINTS:
                url = template.format(**values)
                client = Client()
                client.get(url)
                times = []
                for _ in range(args.repeat):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url)
                        times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                median, worst = statistics.median(times), max(times)
                print(f"{label:28} {median:10.1f} {worst:8.1f} {len(queries):8d}")
    finally:
        client_row.delete()


if __name__ == "__main__":
    main()
