"""Outbox delivery: pluggable senders, backoff, failure after max attempts, at most once,
and the sweep's retry of messages whose own task was lost."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from core import outbox
from core.senders import FakeSmsSender, SendError, SmsGatewaySender
from orders.calendar import SHANGHAI
from orders.models import OutboxMessage, OutboxStatus
from orders.sweep import run_sweep

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)
pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_sms(settings):
    settings.SIDAN_SENDERS = {**settings.SIDAN_SENDERS, "sms": "core.senders.FakeSmsSender"}
    settings.SIDAN_OUTBOX_BACKOFF_SECONDS = 30
    settings.SIDAN_OUTBOX_MAX_ATTEMPTS = 3
    FakeSmsSender.reset()
    yield FakeSmsSender
    FakeSmsSender.reset()


def sms(**kw) -> OutboxMessage:
    fields = dict(
        recipient="13800138000",
        channel="sms",
        template="order_placed",
        body="【四单】您好",
        next_attempt_at=NOW,
    )
    fields.update(kw)
    return OutboxMessage.objects.create(**fields)


def test_sent_once_even_when_delivered_twice(fake_sms):
    message = sms()
    assert outbox.deliver(message_id=message.pk, now=NOW) == OutboxStatus.SENT
    assert outbox.deliver(message_id=message.pk, now=NOW) == OutboxStatus.SENT
    assert fake_sms.sent == [("13800138000", "【四单】您好")]
    message.refresh_from_db()
    assert (message.attempts, message.sent_at) == (1, NOW)


def test_failures_back_off_exponentially_then_fail(fake_sms):
    message = sms()
    fake_sms.fail_next = 5
    outbox.deliver(message_id=message.pk, now=NOW)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (
        OutboxStatus.PENDING,
        1,
        NOW + timedelta(seconds=30),
    )
    assert "fake gateway down" in message.last_error
    # Not due yet: nothing is tried.
    outbox.deliver(message_id=message.pk, now=NOW + timedelta(seconds=10))
    message.refresh_from_db()
    assert message.attempts == 1
    outbox.deliver(message_id=message.pk, now=NOW + timedelta(seconds=30))
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (2, NOW + timedelta(seconds=90))
    outbox.deliver(message_id=message.pk, now=NOW + timedelta(seconds=90))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
    assert fake_sms.sent == []


def test_backoff_is_capped(settings):
    settings.SIDAN_OUTBOX_BACKOFF_SECONDS = 30
    settings.SIDAN_OUTBOX_BACKOFF_MAX_SECONDS = 600
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 6, 20)] == [30, 60, 120, 600, 600]


def test_the_sweep_retries_stale_pending_messages_lost_by_the_broker(fake_sms, settings):
    settings.SIDAN_OUTBOX_GRACE_SECONDS = 30
    fresh = sms(next_attempt_at=NOW - timedelta(seconds=5))
    lost = sms(next_attempt_at=NOW - timedelta(minutes=10), body="lost")
    report = run_sweep(now=NOW)
    assert report.messages_retried == 1
    assert fake_sms.sent == [("13800138000", "lost")]
    fresh.refresh_from_db()
    lost.refresh_from_db()
    assert (fresh.status, lost.status) == (OutboxStatus.PENDING, OutboxStatus.SENT)


def test_email_sender_uses_the_django_backend(settings):
    message = OutboxMessage.objects.create(
        recipient="pm@example.org",
        channel="email",
        template="chase",
        body="【四单】催办：工单 LX-1",
        next_attempt_at=NOW,
    )
    outbox.deliver(message_id=message.pk, now=NOW)
    assert mail.outbox[0].to == ["pm@example.org"] and "催办" in mail.outbox[0].body
    bad = OutboxMessage.objects.create(
        recipient="pm", channel="email", template="chase", body="x", next_attempt_at=NOW
    )
    outbox.deliver(message_id=bad.pk, now=NOW)
    bad.refresh_from_db()
    assert bad.status == OutboxStatus.PENDING and "not an email address" in bad.last_error


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 - http.server naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append((dict(self.headers), json.loads(body)))
        self.send_response(_Gateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received, _Gateway.status = [], 200
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()


def test_sms_gateway_posts_json_with_the_key(gateway):
    message = sms()
    SmsGatewaySender(url=gateway, api_key="k-123", timeout=5).send(message)
    headers, body = _Gateway.received[0]
    assert headers["Authorization"] == "Bearer k-123"
    assert headers["Idempotency-Key"] == f"sidan-outbox-{message.pk}"
    assert body == {
        "to": "13800138000",
        "text": "【四单】您好",
        "template": "order_placed",
        "id": message.pk,
    }


def test_sms_gateway_error_is_a_send_error(gateway):
    _Gateway.status = 503
    with pytest.raises(SendError):
        SmsGatewaySender(url=gateway, api_key="k", timeout=5).send(sms())
    with pytest.raises(SendError):
        SmsGatewaySender(url="", api_key="k").send(sms())


def test_a_broker_outage_loses_no_message(
    world, fake_sms, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """Redis down or flushed: the write still commits, and the sweep sends the message later."""
    from core import clock, outbox

    def broker_down(message_id):
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(outbox, "enqueue", broker_down)
    with clock.travel_to(NOW), django_capture_on_commit_callbacks(execute=True):
        order = world.place()  # queues the "order placed" SMS; its delivery task is lost
    message = OutboxMessage.objects.get(order=order, template="order_placed")
    assert message.status == OutboxStatus.PENDING and fake_sms.sent == []
    settings.SIDAN_OUTBOX_GRACE_SECONDS = 30
    run_sweep(now=NOW + timedelta(seconds=60))
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert fake_sms.sent == [(order.resident_phone, message.body)]
