"""The service worker script and the manifest are served as the web app needs them."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings


def test_the_service_worker_is_served_from_the_root(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache" and response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert "/static/css/sidan.css" in body and "sidan-static-" in body
    assert client.post("/sw.js").status_code == 405


def test_the_manifest_names_the_resident_app():
    manifest = json.loads((Path(settings.BASE_DIR) / "static" / "manifest.webmanifest").read_text())
    assert manifest["start_url"].startswith("/r/")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert (Path(settings.BASE_DIR) / icon["src"].lstrip("/")).exists()


def test_resident_pages_link_the_manifest(client, db):
    html = client.get("/r/").content.decode()
    assert 'rel="manifest"' in html and 'name="theme-color"' in html


def test_the_offline_notice_follows_the_page_language_not_the_browser(client):
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    chinese = client.get("/sw.js?lang=zh-hans", **english_browser).content.decode()
    assert "网络已断开" in chinese
    english = client.get("/sw.js?lang=en", **english_browser).content.decode()
    assert "网络已断开" not in english
    # An unknown language is ignored (the request's own language then).
    assert client.get("/sw.js?lang=xx", **english_browser).status_code == 200
