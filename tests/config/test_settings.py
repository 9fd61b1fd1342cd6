"""Settings come from the environment; production refuses to start without its secrets.

Each case imports the settings in a fresh interpreter with a controlled environment,
because settings are evaluated once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Variables the settings read; a case starts from an environment without any of them.
SETTINGS_VARS = (
    "DJANGO_ENV",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ALLOWED_HOSTS",
    "SIDAN_PUBLIC_BASE_URL",
)

PRINT_SETTINGS = """
import json
import config.settings.base as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "broker": s.CELERY_BROKER_URL, "cache": s.CACHES["default"]["BACKEND"],
    "debug": s.DEBUG, "production": s.PRODUCTION, "allowed_hosts": s.ALLOWED_HOSTS,
    "init_command": db.get("OPTIONS", {}).get("init_command", ""),
    "broker_folders": [v for k, v in s.CELERY_BROKER_TRANSPORT_OPTIONS.items()
                       if k.endswith("_folder") or k.startswith("data_folder")],
}))
"""


def run_settings(
    tmp_path: Path, *, code: str = PRINT_SETTINGS, **environ: str
) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in SETTINGS_VARS and not k.startswith("DJANGO_SETTINGS")
    }
    # A private var dir, and no .env file can leak in because read_env never overwrites.
    env.update({"SIDAN_VAR_DIR": str(tmp_path / "var"), **environ})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:
    result = run_settings(tmp_path, DJANGO_ENV="production")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set when DJANGO_ENV=production" in result.stderr


def test_production_refuses_an_empty_secret_key(tmp_path) -> None:
    result = run_settings(tmp_path, DJANGO_ENV="production", DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_secret_key_and_turns_debug_off(tmp_path) -> None:
    result = run_settings(
        tmp_path,
        DJANGO_ENV="production",
        # A key of real strength (the weak "x" * 50 is refused, see tests/config/test_deploy.py).
        DJANGO_SECRET_KEY="k3y-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN",
        DJANGO_ALLOWED_HOSTS="sidan.example.cn",
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["production"] is True
    assert values["debug"] is False
    assert values["allowed_hosts"] == ["sidan.example.cn"]


def test_no_configuration_means_the_embedded_default(tmp_path) -> None:
    result = run_settings(tmp_path)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "var" / "sidan.sqlite3")
    assert "journal_mode=WAL" in values["init_command"]
    assert values["broker"] == "filesystem://"
    assert values["cache"].endswith("FileBasedCache")
    assert (tmp_path / "var" / "celery-broker" / "out").is_dir()
    # Every folder of the file broker (control too) lives under the var dir, not the cwd.
    assert len(values["broker_folders"]) == 4
    assert all(folder.startswith(str(tmp_path / "var")) for folder in values["broker_folders"])
    assert values["debug"] is True


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_database_url_and_redis_url_select_postgresql_and_redis(tmp_path, scheme) -> None:
    result = run_settings(
        tmp_path,
        DATABASE_URL=f"{scheme}://sidan@db.internal:5432/sidan",
        REDIS_URL="redis://cache.internal:6379/2",
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["host"], values["name"]) == ("db.internal", "sidan")
    assert values["broker"] == "redis://cache.internal:6379/2"
    assert values["cache"].endswith("RedisCache")
