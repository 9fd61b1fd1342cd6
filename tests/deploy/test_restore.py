"""The runbook's backup and restore, end to end: ``pg_dump`` of a database holding orders
→ ``pg_restore`` into a fresh database → the app, started on the restored database, has
no pending migration and serves the order (its wall and the Open311 API read it back)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.open311.conftest import make_client
from tests.orders.conftest import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(settings.BASE_DIR)

SERVE = """
import json, os, django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", "--check", verbosity=0)  # exits non-zero on a pending migration
client = Client()
wall = client.get("/wall/LX01/")
api = client.get("/open311/v2/requests.json", {"api_key": os.environ["KEY"]})
print(json.dumps({"wall": wall.status_code, "html": wall.content.decode(),
                  "api": api.status_code, "rows": api.json()}))
"""


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    host, port, user = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432, db["USER"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def test_a_dump_restores_into_a_fresh_database_and_is_served(tmp_path):
    world = build_world()
    order = world.place(description="楼道灯坏了")
    _client, key = make_client(world.street)
    source = connection.settings_dict["NAME"]
    fresh = f"{settings.DATABASES['default']['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    dump = tmp_path / "sidan.dump"
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--dbname={_url(source)}", f"--file={dump}"],
        check=True,
        env=env,
        timeout=120,
    )
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_url(fresh)}", str(dump)],
            check=True,
            env=env,
            timeout=120,
        )
        served = subprocess.run(
            [sys.executable, "-c", SERVE],
            cwd=BASE_DIR,
            env={
                **env,
                "DATABASE_URL": _url(fresh),
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "KEY": key,
            },
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert served.returncode == 0, served.stderr[-3000:]
        result = json.loads(served.stdout.strip().splitlines()[-1])
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    assert result["wall"] == 200 and "楼道灯坏了" in result["html"]
    assert result["api"] == 200
    assert [r["service_request_id"] for r in result["rows"]] == [order.reference]
