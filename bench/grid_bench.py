"""How fast the grid-work and party pages answer on the demo street, and with how many queries.

    .venv/bin/python bench/grid_bench.py [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sidan_bench .venv/bin/python bench/grid_bench.py

Loads the demo (idempotent) into the configured database (a throwaway SQLite file without
``DATABASE_URL``), then requests each page ``--repeat`` times through Django's test client
as the role that opens it and prints the median and worst time and the SQL count. Prints
figures; asserts nothing. (When issue 8's ``make bench`` harness lands these pages join
its page table.)
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
        f"sqlite:///{tempfile.mkdtemp(prefix='sidan-grid-bench-')}/b.sqlite3"
    )

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from orders.models import Meeting  # noqa: E402
from parties.models import PartyMember  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    users = get_user_model().objects
    meeting = Meeting.objects.filter(status="deliberating").first()
    community = meeting.community.code if meeting else "LX01"
    member = PartyMember.objects.filter(user__username="demo_party_member").first().pk
    pages = [
        ("due visits (grid worker)", "demo_grid_worker", "/grids/visits/due/"),
        ("coverage (grid leader)", "demo_grid_leader", "/grids/visits/coverage/"),
        ("coverage (street)", "demo_street", "/grids/visits/coverage/"),
        ("risk list (community)", "demo_dispatcher", "/grids/disputes/"),
        ("risk list (street)", "demo_street", "/grids/disputes/"),
        ("meeting batch intake", "demo_dispatcher", f"/staff/meetings/{meeting.pk}/intake/"),
        ("public community page", None, f"/c/{community}/"),
        ("party member home", "demo_party_member", "/party/"),
        ("party members (staff)", "demo_dispatcher", "/party/staff/members/"),
        ("micro-wishes (staff)", "demo_dispatcher", "/party/staff/wishes/"),
        ("public micro-wishes", None, f"/c/{community}/wishes/"),
        ("open pool (party member)", "demo_party_member", "/staff/pool/"),
        ("open pool (dispatcher)", "demo_dispatcher", "/staff/pool/"),
        ("member service record", "demo_dispatcher", f"/party/staff/members/{member}/"),
    ]
    print(f"{'page':32} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, username, url in pages:
        client = Client()
        if username:
            client.force_login(users.get(username=username))
        client.get(url)
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:32} {statistics.median(times):10.1f} {max(times):8.1f} {len(queries):8d}")


if __name__ == "__main__":
    main()
