"""Every page carries a Content-Security-Policy without inline code or eval, a
Permissions-Policy, and `Cache-Control: no-store` unless it says otherwise; bodies over the
cap answer 413, NUL in a query string 400; no template holds inline script, style or
event handlers (the CSP would block them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from grids.models import PostRole
from tests.factories import area_chain, user_with_post

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def csp_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize("path", ["/login/", "/r/", "/", "/admin/"])
def test_pages_carry_a_strict_csp_and_the_permissions_policy(path) -> None:
    client = Client()
    client.force_login(
        user_with_post(role=PostRole.COMMUNITY_DISPATCHER, area=area_chain(level=2)[-1])
    )
    response = client.get(path)

    policy = csp_of(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_staff_pages_are_never_stored() -> None:
    client = Client()
    client.force_login(
        user_with_post(role=PostRole.COMMUNITY_DISPATCHER, area=area_chain(level=2)[-1])
    )
    for path in ("/", "/staff/board/", "/staff/inbox/", "/staff/outbox/"):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"], path


def test_static_files_keep_their_cache() -> None:
    # WhiteNoise answers static files above the header middleware, so they keep its cache.
    order = settings.MIDDLEWARE
    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < order.index(
        "config.security.ResponseHeadersMiddleware"
    )


def test_htmx_is_told_never_to_eval() -> None:
    page = Client().get("/login/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page).group(1)
    assert '"allowEval": false' in config
    assert '"includeIndicatorStyles": false' in config


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\bhx-on", re.I), "hx-on (evaluated by htmx)"),
]


def test_no_template_holds_inline_code() -> None:
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{template.relative_to(TEMPLATES)}: {what}")
    assert found == []


def test_a_body_over_the_cap_is_refused_before_any_view(settings) -> None:
    settings.SIDAN_MAX_REQUEST_BYTES = 1024
    response = Client().post(
        "/r/", data="x" * 2048, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "提交的内容太大" in response.content.decode()


@pytest.mark.parametrize("query", ["status=%00", "q=a%00b", "%00=1"])
def test_nul_in_an_admin_query_string_is_a_bad_request(query) -> None:
    assert Client().get(f"/admin/orders/order/?{query}").status_code == 400
