"""The installable resident web app in real Chromium: manifest and icons, the service
worker's offline notice, the order form's draft kept across a dropped network without
the phone, and the place page's weight on the wire."""

from __future__ import annotations

import json

import pytest

from tests.orders.conftest import build_world
from tests.orders.public_helpers import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_form_draft_survives_going_offline(phone):
    world = build_world()
    page = phone.new_page()
    weights: list[int] = []
    page.on("response", lambda r: weights.append(len(r.body())) if r.ok else None)
    page.goto(f"/r/{world.microgrid.code}/")
    page.wait_for_load_state("networkidle")
    assert sum(weights) < 100 * 1024, f"{sum(weights)} bytes"  # uncompressed, even
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href)"
                             ".then(r => r.json())")  # fmt: skip
    assert manifest["start_url"].startswith("/r/") and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert page.evaluate(f"fetch('{icon['src']}').then(r => r.status)") == 200
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    page.fill("textarea[name=description]", "楼道灯坏了，晚上很黑")
    page.fill("input[name=resident_phone]", PHONE)
    stored = page.evaluate("localStorage.getItem('sidan-order-draft')")
    assert "楼道灯坏了" in stored and PHONE not in stored

    phone.set_offline(True)
    try:
        page.reload()
        assert "网络已断开" in page.content()
    finally:
        phone.set_offline(False)
    page.goto(f"/r/{world.microgrid.code}/")
    assert page.input_value("textarea[name=description]") == "楼道灯坏了，晚上很黑"
    assert page.input_value("input[name=resident_phone]") == ""
    cached = page.evaluate(
        "caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k)"
        ".then(c => c.keys())))).then(rs => rs.flat().map(r => r.url))"
    )
    assert cached and all("/static/" in url for url in cached), cached
    assert json.dumps(cached).count("/r/") == 0
