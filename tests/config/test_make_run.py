"""`make run PORT=8080` points the demo's own links at 8080, and a phone on the same
network can reach the demo at the address the links use."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess

import pytest

from tests.config.test_settings import REPO, SETTINGS_VARS, run_settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def dry_run(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in (*SETTINGS_VARS, "PORT", "HOST")}
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_port_of_make_run_is_the_port_of_the_residents_links() -> None:
    out = dry_run("run", "PORT=8080")

    # The demo loader (which prints the resident URL) and the three processes see it.
    demo = next(line for line in out.splitlines() if "load_demo" in line)
    assert "SIDAN_PUBLIC_BASE_URL=http://127.0.0.1:8080 " in demo
    honcho = next(line for line in out.splitlines() if "honcho" in line)
    assert "SIDAN_PUBLIC_BASE_URL=http://127.0.0.1:8080 " in honcho
    assert "--port 8080" in honcho and "HOST=127.0.0.1 " in honcho


def test_a_public_address_can_be_given_for_phones_on_the_network() -> None:
    out = dry_run("run", "HOST=0.0.0.0", "SIDAN_PUBLIC_BASE_URL=http://192.168.1.20:8000")

    honcho = next(line for line in out.splitlines() if "honcho" in line)
    assert "SIDAN_PUBLIC_BASE_URL=http://192.168.1.20:8000 " in honcho
    assert "HOST=0.0.0.0 " in honcho


def test_the_procfile_binds_the_host_make_run_was_given() -> None:
    web = next(
        line for line in (REPO / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    assert "--bind ${HOST:-127.0.0.1}:$PORT" in web


def test_development_allows_the_host_of_the_public_links(tmp_path) -> None:
    result = run_settings(tmp_path, SIDAN_PUBLIC_BASE_URL="http://192.168.1.20:8000")

    assert result.returncode == 0, result.stderr
    assert "192.168.1.20" in json.loads(result.stdout)["allowed_hosts"]


def test_production_allows_only_the_hosts_it_is_given(tmp_path) -> None:
    result = run_settings(
        tmp_path,
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="sidan.example.cn",
        SIDAN_PUBLIC_BASE_URL="https://other.example.cn",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["allowed_hosts"] == ["sidan.example.cn"]
