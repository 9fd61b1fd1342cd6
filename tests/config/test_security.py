"""Production settings carry the security headers and cookie flags.

The settings are imported in a fresh interpreter with DJANGO_ENV=production and a secret
key (settings are evaluated once per process); the case reads what Django will use.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from tests.config.test_settings import run_settings

PRINT_SECURITY = """
import json
import config.settings.base as s
print(json.dumps({
    "debug": s.DEBUG,
    "session_cookie_secure": s.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": s.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure": s.CSRF_COOKIE_SECURE,
    "x_frame_options": s.X_FRAME_OPTIONS,
    "nosniff": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "proxy_ssl_header": list(s.SECURE_PROXY_SSL_HEADER),
    "middleware": s.MIDDLEWARE,
    "allowed_hosts": s.ALLOWED_HOSTS,
}))
"""


def production_settings(tmp_path: Path, **environ: str) -> dict:
    environ = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        **environ,
    }
    result = run_settings(tmp_path, code=PRINT_SECURITY, **environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_cookies_and_headers(tmp_path) -> None:
    s = production_settings(tmp_path)

    assert s["debug"] is False
    assert s["session_cookie_secure"] is True
    assert s["session_cookie_httponly"] is True
    assert s["csrf_cookie_secure"] is True
    assert s["x_frame_options"] == "DENY"
    assert s["nosniff"] is True
    assert s["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["allowed_hosts"] == []  # nothing is served until the hosts are named


def test_production_keeps_the_protecting_middleware(tmp_path) -> None:
    middleware = production_settings(tmp_path)["middleware"]

    for name in (
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
    ):
        assert name in middleware
    assert middleware[0] == "django.middleware.security.SecurityMiddleware"
