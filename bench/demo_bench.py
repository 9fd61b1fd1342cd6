"""How long ``manage.py load_demo`` takes on a fresh database, and its two halves.

    .venv/bin/python bench/demo_bench.py            # a throwaway SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sidan_bench .venv/bin/python bench/demo_bench.py

Prints the figures; asserts nothing (timings belong here, not in the test suite). With
``DATABASE_URL`` the named database is migrated and the demo loaded into it (a second run
times the idempotent rerun); without it a temporary SQLite file is used and removed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")
_scratch = None
if not os.environ.get("DATABASE_URL"):
    _scratch = tempfile.mkdtemp(prefix="sidan-demo-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_scratch}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from demo.orders import build_demo_orders  # noqa: E402
from demo.street import build_demo  # noqa: E402


def main() -> None:
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic()
    report = build_demo()
    street = time.monotonic()
    orders = build_demo_orders()
    done = time.monotonic()
    made = "already there" if orders.skipped else f"{orders.created} orders"
    print(f"database: {django.conf.settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(f"migrate          {migrated - started:7.2f} s")
    print(
        f"demo street      {street - migrated:7.2f} s  ({report.areas_created} areas, "
        f"{report.users_created} users)"
    )
    print(f"demo orders      {done - street:7.2f} s  ({made})")
    print(f"load_demo total  {done - migrated:7.2f} s")


if __name__ == "__main__":
    try:
        main()
    finally:
        if _scratch:
            import shutil

            shutil.rmtree(_scratch, ignore_errors=True)
