"""Production is hardened by default: `check --deploy --fail-level WARNING` is clean, HSTS
and the HTTPS redirect are on, a weak secret key or a redirect turned off without a TLS
proxy that says so refuse to start, and the demo refuses to load.

Each case runs in a fresh interpreter with DJANGO_ENV=production (settings are read once
per process).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.config.test_settings import REPO, SETTINGS_VARS, run_settings


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser fixture in this process only.
        if k not in SETTINGS_VARS
        and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        and not k.startswith(("DJANGO_SETTINGS", "SIDAN_"))
    }
    env.update(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "sidan.example.cn",
            "SIDAN_VAR_DIR": str(tmp_path / "var"),
            **extra,
        }
    )
    return env


def manage(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=production_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_under_production_settings(tmp_path) -> None:
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PRINT = """
import json
import config.settings.base as s
print(json.dumps({"hsts": s.SECURE_HSTS_SECONDS, "redirect": s.SECURE_SSL_REDIRECT,
                  "subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
                  "exempt": s.SECURE_REDIRECT_EXEMPT,
                  "idle": s.SESSION_COOKIE_AGE, "every": s.SIDAN_SESSION_RENEW_SECONDS,
                  "body": s.SIDAN_MAX_REQUEST_BYTES, "two_factor": s.SIDAN_2FA_REQUIRED}))
"""


def test_hsts_and_the_https_redirect_are_on_by_default(tmp_path) -> None:
    result = run_settings(
        tmp_path, code=PRINT, DJANGO_ENV="production", DJANGO_SECRET_KEY=secrets.token_urlsafe(50)
    )

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["hsts"] >= 365 * 24 * 3600
    assert values["subdomains"] is True
    assert values["redirect"] is True
    assert values["exempt"] == [r"^healthz$"]  # the load balancer's plain-HTTP health check
    assert (values["idle"], values["every"]) == (2 * 3600, 60)
    assert values["two_factor"] is True


def test_the_redirect_is_off_only_behind_a_proxy_that_says_so(tmp_path) -> None:
    key = secrets.token_urlsafe(50)
    refused = run_settings(
        tmp_path, DJANGO_ENV="production", DJANGO_SECRET_KEY=key, DJANGO_SECURE_SSL_REDIRECT="false"
    )
    allowed = run_settings(
        tmp_path,
        code=PRINT,
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=key,
        DJANGO_SECURE_SSL_REDIRECT="false",
        SIDAN_PROXY_REDIRECTS_TO_HTTPS="true",
    )

    assert refused.returncode != 0
    assert "SIDAN_PROXY_REDIRECTS_TO_HTTPS=true" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["redirect"] is False


def test_a_weak_secret_key_refuses_to_start(tmp_path) -> None:
    for weak in ("x" * 50, "short-key", "django-insecure-" + secrets.token_urlsafe(50)):
        result = run_settings(tmp_path, DJANGO_ENV="production", DJANGO_SECRET_KEY=weak)
        assert result.returncode != 0, weak
        assert "DJANGO_SECRET_KEY is too weak" in result.stderr


def test_two_factor_cannot_be_turned_off_in_production(tmp_path) -> None:
    result = run_settings(
        tmp_path,
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        SIDAN_2FA_REQUIRED="false",
    )
    assert result.returncode != 0
    assert "SIDAN_2FA_REQUIRED cannot be turned off" in result.stderr


def test_load_demo_refuses_to_run_in_production(tmp_path) -> None:
    migrated = manage(tmp_path, "migrate", "--noinput", "-v", "0", DATABASE_URL="")
    assert migrated.returncode == 0, migrated.stderr

    result = manage(tmp_path, "load_demo", DATABASE_URL="")
    code = manage(tmp_path, "demo_totp", "admin", DATABASE_URL="")

    assert result.returncode != 0
    assert "load_demo refuses to run with DJANGO_ENV=production" in result.stderr
    assert "Created" not in result.stdout
    assert code.returncode != 0 and "refuses to run" in code.stderr
