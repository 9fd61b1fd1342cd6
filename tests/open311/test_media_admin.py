"""media_url downloads (size, type, address checks) and keys issued in the admin."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

from open311 import media
from open311.models import ApiClient, FetchStatus, MediaFetch
from orders.models import Order, PhotoKind
from tests.open311.test_api import post

pytestmark = pytest.mark.django_db
PORT = 8401


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


ROUTES = {
    "/ok.png": (200, "image/png", _png()),
    "/text.png": (200, "image/png", b"not an image at all"),
    "/page.html": (200, "text/html", b"<html></html>"),
    "/huge.png": (200, "image/png", _png() + b"\0" * 4096),
    "/moved.png": (302, "image/png", b""),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status, kind, body = ROUTES.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if status == 302:
            self.send_header("Location", "/ok.png")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def image_server(settings):
    settings.SIDAN_OPEN311_MEDIA_ALLOW_PRIVATE = True
    settings.SIDAN_OPEN311_MEDIA_MAX_BYTES = 2048
    server = None
    for port in range(PORT, PORT + 9):  # our range 8401–8409; parallel test workers
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    assert server is not None, "no free port in 8401–8409"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path, status, photos",
    [
        ("/ok.png", FetchStatus.DONE, 1),
        ("/text.png", FetchStatus.FAILED, 0),
        ("/page.html", FetchStatus.FAILED, 0),
        ("/huge.png", FetchStatus.FAILED, 0),
        ("/moved.png", FetchStatus.FAILED, 0),
        ("/missing.png", FetchStatus.FAILED, 0),
    ],
)
def test_media_is_fetched_checked_and_attached(image_server, path, status, photos):
    from tests.open311.conftest import make_client
    from tests.orders.conftest import build_world

    world = build_world()
    _c, key = make_client(world.street)
    response = post(Client(), key, media_url=image_server + path)
    assert response.status_code == 201
    order = Order.objects.get(reference=response.json()[0]["service_request_id"])
    fetch = MediaFetch.objects.get(order=order)
    assert fetch.status == status, fetch.error
    assert order.photos.filter(kind=PhotoKind.REPORT).count() == photos


def test_private_addresses_are_refused(settings):
    settings.SIDAN_OPEN311_MEDIA_ALLOW_PRIVATE = False
    for url in ("http://127.0.0.1/x.png", "http://10.0.0.1/x.png", "ftp://example.com/x"):
        with pytest.raises(media.MediaRefused):
            media.check_url(url)


def test_keys_are_issued_once_and_revoked_in_the_admin(world):
    admin = get_user_model().objects.create_superuser("root", "r@example.com", "pw")
    browser = Client()
    browser.force_login(admin)
    response = browser.post(
        "/admin/open311/apiclient/add/",
        {
            "name": "12345热线",
            "area": world.street.pk,
            "channel": "hotline",
            "verifies_phone": "on",
            "rate_limit_per_minute": 60,
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    key = next(w for m in shown for w in m.split("：") if w.startswith("s311_"))
    client = ApiClient.objects.get(name="12345热线")
    assert key not in (client.key_digest, client.key_prefix) and client.key_prefix in key
    assert post(Client(), key).status_code == 201
    browser.post(
        "/admin/open311/apiclient/",
        {"action": "revoke_keys", "_selected_action": [client.pk]},
    )
    client.refresh_from_db()
    assert not client.is_active and client.revoked_at is not None
    assert post(Client(), key).status_code == 403
    listing = browser.get("/admin/open311/apiclient/").content.decode()
    assert key not in listing
